package io.featurestore.benchmarks.arrowcpp;

import java.lang.management.ManagementFactory;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Reads a Parquet file into Arrow batches with Arrow C++'s dataset scanner, {@code rounds} times,
 * and prints one line per round: {@code arrow-cpp <rows> <wall seconds> <process CPU seconds>}.
 */
public final class ArrowCppScan {
  private ArrowCppScan() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    int rounds = Integer.parseInt(args[1]);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      long cpu = os.getProcessCpuTime();
      long rows = 0;
      try (BufferAllocator allocator = new RootAllocator();
          DatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET, uri);
          Dataset dataset = factory.finish();
          Scanner scanner = dataset.newScan(new ScanOptions(8192));
          ArrowReader reader = scanner.scanBatches()) {
        while (reader.loadNextBatch()) {
          rows += reader.getVectorSchemaRoot().getRowCount();
        }
      }
      System.out.printf("arrow-cpp %d %.3f %.3f%n", rows, (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9);
    }
  }
}
