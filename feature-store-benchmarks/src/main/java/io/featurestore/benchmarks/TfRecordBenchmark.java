package io.featurestore.benchmarks;

import io.featurestore.api.manifest.Operation;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.manifest.SnapshotManifest;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.client.read.ReadOptions;
import io.featurestore.client.read.RecyclingMemory;
import io.featurestore.client.read.SnapshotStream;
import io.featurestore.client.shards.DirectShards;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.write.ShardWriteSettings;
import io.featurestore.format.write.ShardedWriter;
import io.featurestore.storage.local.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Issue 4: TFRecord beside Parquet on the same rows, in one run. Writing: the server's shard writer
 * for each format (Parquet SNAPPY as feature sets default to and ZSTD, TFRecord uncompressed and GZIP) from
 * the same in-memory Arrow batches into a local bucket, one thread, rows per second. Reading: the
 * client streaming each format's shards back into Arrow batches (decoded, and TFRecord raw), two
 * read threads. Sizes: bytes of each format's shards. Five rounds, formats interleaved; medians
 * compared (writing 2.7x the bytes, TFRecord rounds disturb the page cache of the next ones).
 */
final class TfRecordBenchmark {
  private static final int ROUNDS = 5;
  private static final int BATCH = 8192;
  /** Distinct batches generated up front and written in turn, so generation is not measured. */
  private static final int DISTINCT_BATCHES = 32;

  private record Variant(String name, ShardFormat format, Compression compression) {}

  /** The first is the baseline: Parquet as feature sets write it by default. */
  private static final List<Variant> VARIANTS = List.of(
      new Variant("Parquet (SNAPPY)", ShardFormat.PARQUET, Compression.SNAPPY),
      new Variant("Parquet (ZSTD)", ShardFormat.PARQUET, Compression.ZSTD),
      new Variant("TFRecord", ShardFormat.TFRECORD, Compression.NONE),
      new Variant("TFRecord (GZIP)", ShardFormat.TFRECORD, Compression.GZIP));

  private TfRecordBenchmark() {}

  static void run(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    FeatureSetSchema schema = SyntheticFeatures.schema();
    Path root = Files.createTempDirectory("tfrecord-bench");
    System.out.printf("TFRecord benchmark: %,d rows of the benchmark schema (%d columns)%n", rows, schema.columns().size());
    double[][] writeRowsPerSecond = new double[VARIANTS.size()][ROUNDS];
    double[][] readRowsPerSecond = new double[VARIANTS.size()][ROUNDS];
    double[] rawRowsPerSecond = new double[ROUNDS];
    long[] bytes = new long[VARIANTS.size()];
    try (LocalObjectStore store = new LocalObjectStore(root); RootAllocator allocator = new RootAllocator()) {
      List<VectorSchemaRoot> batches = new ArrayList<>();
      for (int b = 0; b < DISTINCT_BATCHES; b++) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
        SyntheticFeatures.fill(batch, (long) b * BATCH, BATCH);
        batches.add(batch);
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 1; round <= ROUNDS; round++) {
          for (int v = 0; v < VARIANTS.size(); v++) {
            Variant variant = VARIANTS.get(v);
            ObjectKey prefix = ObjectKey.of("round-" + round + "/" + v);
            long start = System.nanoTime();
            List<ShardEntry> shards = write(store, prefix, schema, variant, batches, rows);
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            writeRowsPerSecond[v][round - 1] = rows / writeSeconds;
            bytes[v] = shards.stream().mapToLong(ShardEntry::bytes).sum();

            SnapshotManifest manifest = manifest(schema, shards, rows);
            double readSeconds = read(store, manifest, ReadOptions.ordered().withFormat(variant.format()), pool, rows);
            readRowsPerSecond[v][round - 1] = rows / readSeconds;
            String raw = "";
            if (variant.compression() == Compression.NONE) { // TFRecord uncompressed
              double rawSeconds = read(store, manifest, ReadOptions.ordered().withRawRecords(), pool, rows);
              rawRowsPerSecond[round - 1] = rows / rawSeconds;
              raw = String.format(", raw records %,.0f rows/s", rows / rawSeconds);
            }
            System.out.printf("  round %d %-16s write %,10.0f rows/s (%.1f MiB/s out), read+decode %,10.0f rows/s%s, %,d bytes%n",
                round, variant.name(), rows / writeSeconds, bytes[v] / writeSeconds / 1048576, rows / readSeconds, raw, bytes[v]);
            store.delete(shards.stream().map(ShardEntry::key).toList());
          }
        }
      } finally {
        pool.shutdown();
        batches.forEach(VectorSchemaRoot::close);
      }
    }
    System.out.println("Medians of " + ROUNDS + " rounds (x: of Parquet SNAPPY, the default):");
    double[] write = new double[VARIANTS.size()];
    double[] read = new double[VARIANTS.size()];
    for (int v = 0; v < VARIANTS.size(); v++) {
      write[v] = median(writeRowsPerSecond[v]);
      read[v] = median(readRowsPerSecond[v]);
      System.out.printf("  %-16s write %,10.0f rows/s (%.2fx), read+decode %,10.0f rows/s (%.2fx), size %.2fx%n",
          VARIANTS.get(v).name(), write[v], write[v] / write[0], read[v], read[v] / read[0], (double) bytes[v] / bytes[0]);
    }
    System.out.printf("  TFRecord raw records read %,.0f rows/s (%.2fx)%n", median(rawRowsPerSecond), median(rawRowsPerSecond) / read[0]);
    System.out.printf("Target: TFRecord write >= 0.8x Parquet rows/s: %.2fx of Parquet SNAPPY (default), %.2fx of Parquet ZSTD%n",
        write[2] / write[0], write[2] / write[1]);
    try (var files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static List<ShardEntry> write(
      LocalObjectStore store, ObjectKey prefix, FeatureSetSchema schema, Variant variant, List<VectorSchemaRoot> batches,
      long rows) throws Exception {
    StorageOptions storage = new StorageOptions(
        Set.of(variant.format()), StorageOptions.DEFAULT_SHARD_BYTES, variant.format() == ShardFormat.PARQUET ? variant.compression() : Compression.ZSTD,
        Partitioning.NONE, variant.format() == ShardFormat.TFRECORD ? variant.compression() : Compression.NONE);
    try (ShardedWriter writer =
        new ShardedWriter(store, prefix, "bench", schema, storage, variant.format(), ShardWriteSettings.defaults())) {
      long written = 0;
      for (int b = 0; written < rows; b++) {
        VectorSchemaRoot batch = batches.get(b % batches.size());
        int n = (int) Math.min(BATCH, rows - written);
        batch.setRowCount(n);
        writer.write(batch);
        batch.setRowCount(BATCH);
        written += n;
      }
      return writer.finish();
    }
  }

  private static SnapshotManifest manifest(FeatureSetSchema schema, List<ShardEntry> shards, long rows) {
    return new SnapshotManifest(SnapshotManifest.FORMAT_VERSION, "bench", 1, "bench", 1, null, Operation.APPEND, Instant.now(),
        schema, rows, shards.stream().mapToLong(ShardEntry::bytes).sum(), shards);
  }

  /** Streams every row into Arrow batches; returns seconds. The stream does not close its shard source (the store). */
  private static double read(LocalObjectStore store, SnapshotManifest manifest, ReadOptions options, ExecutorService pool, long rows) {
    long start = System.nanoTime();
    long read = 0;
    try (RecyclingMemory memory = RecyclingMemory.forBudget(256L << 20); // as FeatureStoreClient reads
        RootAllocator allocator = memory.newRootAllocator();
        SnapshotStream stream = new SnapshotStream(manifest, new DirectShards(store), options, null, pool, allocator, 256L << 20)) {
      while (stream.next()) {
        read += stream.batch().getRowCount();
      }
    }
    if (read != rows) {
      throw new IllegalStateException("read " + read + " rows, expected " + rows);
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
