package io.featurestore.benchmarks;

import io.featurestore.api.manifest.ManifestCodec;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.arrow.ArrowSchemas;
import io.featurestore.format.write.ShardWriteSettings;
import io.featurestore.format.parquet.ParquetSchemas;
import io.featurestore.storage.s3.S3StoreConfig;
import io.featurestore.storage.s3.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 2's ingest benchmark. Baseline: parquet-java's record API writing the generated rows to
 * one file on local disk ({@link RecordApiWriteSupport}, the server's Parquet settings). Measured: the same rows streamed as Arrow IPC
 * over REST into the server (its own JVM, {@code -Xmx512m}), which writes Parquet shards into an
 * S3 protocol server (s3proxy) by multipart upload and commits a snapshot. Both include generating
 * the rows. Reports throughput in rows/s and MiB/s of Arrow data and the ratio.
 */
final class IngestBenchmark {
  private static final int BATCH_ROWS = 8192;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private IngestBenchmark() {}

  static void run(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    String serverJar = System.getProperty("server.jar", "feature-store-server/target/feature-store-server-0.1.0-SNAPSHOT.jar");
    String serverHeap = System.getProperty("server.heap", "512m");
    FeatureSetSchema schema = SyntheticFeatures.schema();
    Path work = Files.createTempDirectory("feature-store-bench");
    try (BufferAllocator allocator = new RootAllocator()) {
      System.out.printf("Ingest benchmark: %,d rows, %d bytes per row in Arrow, server heap %s%n", rows, bytesPerRow(), serverHeap);
      double cpu = processCpuSeconds();
      double baseline = baseline(schema, rows, work.resolve("baseline"), allocator);
      report("parquet-java -> local disk (baseline)", rows, baseline);
      System.out.printf("  CPU: %.1f s%n", processCpuSeconds() - cpu);
      deleteTree(work.resolve("baseline"));

      try (S3TestServer s3 = S3TestServer.start()) {
        S3StoreConfig bucket = s3.newBucket();
        int port = freePort();
        Process server = startServer(serverJar, serverHeap, port, bucket, work);
        try {
          String base = "http://127.0.0.1:" + port;
          awaitHealthy(base, server);
          createFeatureSet(base, schema);
          double serverCpu = serverCpuSeconds(server.pid());
          cpu = processCpuSeconds();
          double rest = upload(base, schema, rows, allocator);
          report("REST Arrow IPC -> server -> S3 (s3proxy)", rows, rest);
          System.out.printf("  CPU: server %.1f s, client and s3proxy %.1f s%n",
              serverCpuSeconds(server.pid()) - serverCpu, processCpuSeconds() - cpu);
          System.out.printf("Ratio (REST / baseline throughput): %.2fx%n", baseline / rest);
          System.out.printf("Server peak RSS: %s MiB (heap limit %s)%n", peakRssMib(server.pid()), serverHeap);
        } finally {
          server.destroy();
          server.waitFor();
          try (Stream<String> log = Files.lines(work.resolve("server.log"))) {
            log.filter(line -> line.contains("Wrote") || line.contains("ERROR")).forEach(line -> System.out.println("  server: " + line));
          }
        }
      }
    } finally {
      deleteTree(work);
    }
  }

  private static double baseline(FeatureSetSchema schema, long rows, Path dir, BufferAllocator allocator) throws IOException {
    Files.createDirectories(dir);
    long start = System.nanoTime();
    RecordApiWriteSupport support = new RecordApiWriteSupport(schema, ParquetSchemas.toParquet(schema), Map.of());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
        ParquetWriter<Integer> writer = baselineWriter(new LocalOutputFile(dir.resolve("baseline.parquet")), support)) {
      for (long first = 0; first < rows; first += BATCH_ROWS) {
        int n = (int) Math.min(BATCH_ROWS, rows - first);
        SyntheticFeatures.fill(root, first, n);
        support.bind(root);
        for (int row = 0; row < n; row++) {
          writer.write(row);
        }
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** The server's settings: ZSTD, 64 MiB row groups, 1 MiB pages, page checksums, no dictionary for floats. */
  private static ParquetWriter<Integer> baselineWriter(LocalOutputFile file, RecordApiWriteSupport support) throws IOException {
    ShardWriteSettings settings = ShardWriteSettings.defaults();
    BaselineBuilder builder =
        new BaselineBuilder(file, support)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withConf(new Configuration(false))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize(settings.rowGroupBytes())
            .withPageSize(settings.pageBytes())
            .withPageWriteChecksumEnabled(true)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
            .withDictionaryEncoding(true);
    for (int i = 0; i < SyntheticFeatures.FLOATS; i++) {
      builder.withDictionaryEncoding("f" + i, false);
    }
    builder.withDictionaryEncoding("embedding." + ParquetSchemas.LIST_GROUP + "." + ParquetSchemas.ELEMENT, false);
    return builder.build();
  }

  private static final class BaselineBuilder extends ParquetWriter.Builder<Integer, BaselineBuilder> {
    private final RecordApiWriteSupport support;

    BaselineBuilder(LocalOutputFile file, RecordApiWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected BaselineBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return support;
    }
  }

  private static double upload(String base, FeatureSetSchema schema, long rows, BufferAllocator allocator) throws IOException {
    long start = System.nanoTime();
    HttpURLConnection connection =
        (HttpURLConnection) URI.create(base + "/api/v1/feature-sets/bench/versions/latest/snapshots").toURL().openConnection();
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setChunkedStreamingMode(1 << 20);
    connection.setRequestProperty("Content-Type", "application/vnd.apache.arrow.stream");
    connection.setReadTimeout((int) Duration.ofMinutes(30).toMillis());
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
        OutputStream out = connection.getOutputStream();
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      for (long first = 0; first < rows; first += BATCH_ROWS) {
        int n = (int) Math.min(BATCH_ROWS, rows - first);
        SyntheticFeatures.fill(root, first, n);
        writer.writeBatch();
      }
      writer.end();
    }
    int status = connection.getResponseCode();
    InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
    String response = new String(body.readAllBytes(), StandardCharsets.UTF_8);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (status != 201) {
      throw new IllegalStateException("upload failed with " + status + ": " + response);
    }
    JsonNode snapshot = JSON.readTree(response);
    System.out.printf("  snapshot %s: %,d rows, %d shards, %,d bytes%n", snapshot.get("snapshotId").asString(),
        snapshot.get("rowCount").asLong(), snapshot.get("shardCount").asInt(), snapshot.get("byteCount").asLong());
    return seconds;
  }

  private static Process startServer(String jar, String heap, int port, S3StoreConfig bucket, Path work) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "--add-opens=java.base/java.nio=ALL-UNNAMED"));
    // Extra server JVM flags, e.g. -Dserver.jvmArgs=-XX:StartFlightRecording=filename=server.jfr to profile.
    String extra = System.getProperty("server.jvmArgs", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar,
        "--server.port=" + port,
        "--spring.datasource.url=jdbc:h2:file:" + work.resolve("catalog").toAbsolutePath(),
        "--feature-store.bucket.type=s3",
        "--feature-store.bucket.s3.bucket=" + bucket.bucket(),
        "--feature-store.bucket.s3.endpoint=" + bucket.endpoint(),
        "--feature-store.bucket.s3.access-key=" + bucket.accessKey(),
        "--feature-store.bucket.s3.secret-key=" + bucket.secretKey()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("server.log").toFile())
        .start();
  }

  private static void awaitHealthy(String base, Process server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server exited with " + server.exitValue());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + "/actuator/health").toURL().openConnection();
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the server did not become healthy in 90 s");
  }

  private static void createFeatureSet(String base, FeatureSetSchema schema) throws IOException {
    // ZSTD on both sides, as the baseline writes (the feature-set default is SNAPPY).
    String body = "{\"name\": \"bench\", \"owner\": \"benchmarks\", \"schema\": " + ManifestCodec.schemaToJson(schema)
        + ", \"storage\": {\"compression\": \"ZSTD\"}}";
    HttpURLConnection c = (HttpURLConnection) URI.create(base + "/api/v1/feature-sets").toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream out = c.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    if (c.getResponseCode() != 201) {
      throw new IllegalStateException("creating the feature set failed: " + new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static long bytesPerRow() {
    return 8 + 8 + 4L * SyntheticFeatures.FLOATS + 8L * SyntheticFeatures.INTS + 4L * SyntheticFeatures.DIMENSION;
  }

  private static void report(String what, long rows, double seconds) {
    double mib = rows * (double) bytesPerRow() / (1024 * 1024);
    System.out.printf("%-45s %8.1f s %,12.0f rows/s %8.1f MiB/s%n", what, seconds, rows / seconds, mib / seconds);
  }

  private static String peakRssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux
    }
    return "?";
  }

  private static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  /** User + system CPU time of a process, from /proc (Linux). */
  private static double serverCpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // clock ticks, USER_HZ = 100
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
