package io.featurestore.benchmarks;

import java.util.Arrays;

/** Entry point of {@code bin/benchmark}: {@code ingest [rows]}, {@code stream [rows]}, {@code decode [rows]}, {@code tfrecord [rows]}. */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: bin/benchmark ingest [rows] | stream [rows] | decode [rows] | tfrecord [rows]");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "ingest" -> IngestBenchmark.run(rest);
      case "stream" -> StreamBenchmark.run(rest);
      case "stream-child" -> StreamBenchmark.child(rest);
      case "decode" -> DecodeBenchmark.run(rest);
      case "tfrecord" -> TfRecordBenchmark.run(rest);
      default -> {
        System.err.println("unknown benchmark '" + args[0] + "'; known: ingest, stream, decode, tfrecord");
        System.exit(2);
      }
    }
  }
}
