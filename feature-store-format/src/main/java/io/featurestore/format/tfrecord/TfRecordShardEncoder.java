package io.featurestore.format.tfrecord;

import io.featurestore.api.manifest.ShardBlock;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.format.arrow.TimestampMicros;
import io.featurestore.format.write.ShardEncoder;
import io.featurestore.format.write.ShardOutput;
import io.featurestore.format.write.ShardWriteSettings;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One TFRecord shard: a {@code tf.train.Example} per row, framed as TensorFlow's record writer does,
 * in blocks of about {@link ShardWriteSettings#rowGroupBytes()} (uncompressed) that the manifest
 * lists, so readers fetch and decode blocks in parallel. With GZIP every block is its own gzip
 * member: the shard is still one valid gzip file (TensorFlow 2.5+ and gzip read concatenated
 * members), and each block inflates on its own.
 */
public final class TfRecordShardEncoder implements ShardEncoder {
  private static final int GZIP_BUFFER = 64 * 1024;

  private final ShardOutput output;
  private final boolean gzip;
  private final long blockBytes;
  private final ExampleEncoder examples;
  private final int eventTimeIndex;
  private final List<ShardBlock> blocks = new ArrayList<>();
  private GZIPOutputStream deflating;
  private TfRecordOutput records;
  private long blockOffset;
  private long blockRows;
  private long blockMin;
  private long blockMax;

  private TfRecordShardEncoder(ShardOutput output, FeatureSetSchema schema, boolean gzip, long blockBytes) {
    this.output = output;
    this.gzip = gzip;
    this.blockBytes = blockBytes;
    this.examples = new ExampleEncoder(schema);
    this.eventTimeIndex = schema.eventTimestampIndex();
  }

  /**
   * Encoders of one snapshot's TFRecord shards.
   *
   * @throws io.featurestore.api.FeatureStoreException {@code tfrecord-unsupported-type} if an
   *     Example cannot hold one of the schema's types
   */
  public static ShardEncoder.Factory factory(FeatureSetSchema schema, Compression compression, ShardWriteSettings settings) {
    ExampleEncoder.checkExpressible(schema);
    boolean gzip = switch (compression) {
      case NONE -> false;
      case GZIP -> true;
      default -> throw new IllegalArgumentException("TFRecord shards are not written with " + compression);
    };
    return output -> new TfRecordShardEncoder(output, schema, gzip, settings.rowGroupBytes());
  }

  @Override
  public void write(VectorSchemaRoot batch, int from, int to) throws IOException {
    TimestampMicros eventTime = TimestampMicros.of(batch.getVector(eventTimeIndex));
    for (int row = from; row < to; row++) {
      if (records == null) {
        startBlock();
      }
      int length = examples.encode(batch, row);
      records.write(examples.buffer(), 0, length);
      long micros = eventTime.get(row);
      blockMin = Math.min(blockMin, micros);
      blockMax = Math.max(blockMax, micros);
      blockRows++;
      if (records.bytesWritten() >= blockBytes) {
        endBlock();
      }
    }
  }

  private void startBlock() throws IOException {
    blockOffset = output.position();
    blockRows = 0;
    blockMin = Long.MAX_VALUE;
    blockMax = Long.MIN_VALUE;
    OutputStream target = output;
    if (gzip) {
      deflating = new FastGzip(new FilterOutputStream(output) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len); // FilterOutputStream would write byte by byte
        }

        @Override
        public void close() {
          // the shard's output outlives the block's gzip member
        }
      });
      target = deflating;
    }
    records = new TfRecordOutput(target);
  }

  private void endBlock() throws IOException {
    records.flush();
    if (gzip) {
      deflating.finish();
      deflating.close();
      deflating = null;
    }
    blocks.add(new ShardBlock(blockOffset, blockRows, records.bytesWritten(), blockMin, blockMax));
    records = null;
  }

  @Override
  public List<ShardBlock> finish() throws IOException {
    if (records != null) {
      endBlock();
    }
    return List.copyOf(blocks);
  }

  @Override
  public void abort() {
    if (deflating != null) {
      try {
        deflating.close(); // frees the native deflater
      } catch (IOException | RuntimeException ignored) {
        // the shard is being discarded
      }
    }
  }

  /** Level 1: most of gzip's size saving at a fraction of the default level's CPU. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, GZIP_BUFFER);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }
}
