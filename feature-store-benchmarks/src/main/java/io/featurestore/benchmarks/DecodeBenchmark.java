package io.featurestore.benchmarks;

import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.parquet.ParquetBatchReader;
import io.featurestore.format.write.ShardWriteSettings;
import io.featurestore.format.write.SnapshotWriter;
import io.featurestore.storage.local.LocalObjectStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.io.LocalInputFile;

/**
 * Issue 3's P2: Parquet to Arrow decoding per core. The same local shard (the benchmark schema,
 * ZSTD, written by the server's writer) is read into Arrow batches of 8192 rows by the client's
 * {@link ParquetBatchReader} on one thread, and by Arrow C++'s dataset scanner (JNI, in its own JVM
 * with {@code OMP_NUM_THREADS=1}; see {@code arrow-cpp/}). Throughput is per CPU-second of each
 * process, so thread pools do not flatter either side.
 */
final class DecodeBenchmark {
  private static final int ROUNDS = 5;

  private DecodeBenchmark() {}

  static void run(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    String arrowCpp = System.getProperty("arrowcpp.classpath");
    if (arrowCpp == null) {
      throw new IllegalStateException("set -Darrowcpp.classpath (bin/benchmark does)");
    }
    Path root = Files.createTempDirectory("decode-bench");
    FeatureSetSchema schema = SyntheticFeatures.schema();
    Path file;
    try (LocalObjectStore store = new LocalObjectStore(root);
        RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator)) {
      StorageOptions oneShard = new StorageOptions(
          StorageOptions.defaults().formats(), Long.MAX_VALUE, StorageOptions.defaults().compression(),
          StorageOptions.defaults().partitioning());
      List<ShardEntry> shards;
      try (SnapshotWriter writer =
          new SnapshotWriter(store, ObjectKey.of("decode"), "decode", schema, oneShard, ShardWriteSettings.defaults())) {
        for (long first = 0; first < rows; first += 8192) {
          int n = (int) Math.min(8192, rows - first);
          SyntheticFeatures.fill(batch, first, n);
          writer.write(batch);
        }
        shards = writer.finish();
      }
      file = root.resolve(shards.get(0).key().path());
    }
    long bytes = Files.size(file);
    System.out.printf("Decode benchmark: %,d rows, one Parquet file of %,d bytes (%s)%n", rows, bytes, StorageOptions.defaults().compression());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double ours = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      long read = 0;
      try (RootAllocator allocator = new RootAllocator();
          ParquetBatchReader reader = ParquetBatchReader.open(new LocalInputFile(file), schema, null, allocator, 8192)) {
        while (reader.loadNext()) {
          read += reader.root().getRowCount();
        }
      }
      double wall = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
      ours = Math.max(ours, bytes / cpuSeconds);
      System.out.printf("  client reader  round %d: %,d rows, %.2f s, CPU %.2f s, %.1f MiB per CPU-second%n",
          round + 1, read, wall, cpuSeconds, bytes / cpuSeconds / 1048576);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", arrowCpp, "io.featurestore.benchmarks.arrowcpp.ArrowCppScan", file.toUri().toString(), Integer.toString(ROUNDS)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes());
    if (child.waitFor() != 0) {
      throw new IllegalStateException("the Arrow C++ scan failed: " + output);
    }
    double theirs = 0;
    int round = 0;
    for (String line : output.lines().filter(l -> l.startsWith("arrow-cpp ")).toList()) {
      String[] f = line.split(" ");
      double cpuSeconds = Double.parseDouble(f[3]);
      theirs = Math.max(theirs, bytes / cpuSeconds);
      System.out.printf("  Arrow C++ scan round %d: %,d rows, %s s, CPU %s s, %.1f MiB per CPU-second%n",
          ++round, Long.parseLong(f[1]), f[2], f[3], bytes / cpuSeconds / 1048576);
    }
    System.out.printf("P2 ratio (client / Arrow C++, best rounds, per CPU-second): %.2fx%n", ours / theirs);
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
