package io.featurestore.format.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.manifest.ShardBlock;
import io.featurestore.api.manifest.ShardEntry;
import io.featurestore.api.schema.Column;
import io.featurestore.api.schema.Compression;
import io.featurestore.api.schema.FeatureSetSchema;
import io.featurestore.api.schema.Partitioning;
import io.featurestore.api.schema.ScalarType;
import io.featurestore.api.schema.ShardFormat;
import io.featurestore.api.schema.StorageOptions;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import io.featurestore.format.TestBatches;
import io.featurestore.format.tfrecord.TfRecordInput;
import io.featurestore.storage.ForwardingObjectStore;
import io.featurestore.storage.local.LocalObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFRecord shards beside Parquet ones: same rows, blocks, GZIP members, cleanup. */
class TfRecordShardsTest {
  private static final ObjectKey PREFIX = ObjectKey.of("feature-sets/users/v1/data/snap1");
  /** {@link TestBatches#allTypes()} without its float64 column, which TFRecord cannot hold. */
  private static final FeatureSetSchema SCHEMA = new FeatureSetSchema(
      TestBatches.allTypes().entityKeys(), TestBatches.allTypes().eventTimestamp(),
      TestBatches.allTypes().features().stream().filter(c -> c.type().element() != ScalarType.FLOAT64).toList());

  @TempDir Path root;
  private LocalObjectStore store;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    store = new LocalObjectStore(root);
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  private static StorageOptions both(long shardBytes, Compression tfrecord) {
    return new StorageOptions(
        Set.of(ShardFormat.PARQUET, ShardFormat.TFRECORD), shardBytes, Compression.ZSTD, Partitioning.NONE, tfrecord);
  }

  private List<ShardEntry> write(ObjectStore target, StorageOptions storage, int batches, int rowsPerBatch) throws IOException {
    try (SnapshotWriter writer =
        new SnapshotWriter(target, PREFIX, "snap1", SCHEMA, storage, new ShardWriteSettings(1 << 20, 64 * 1024, 2))) {
      for (int b = 0; b < batches; b++) {
        try (VectorSchemaRoot all = TestBatches.allTypes(allocator, (long) b * rowsPerBatch, rowsPerBatch)) {
          writer.write(withoutFloat64(all));
        }
      }
      return writer.finish();
    }
  }

  private static VectorSchemaRoot withoutFloat64(VectorSchemaRoot all) {
    List<FieldVector> vectors = SCHEMA.columns().stream().map(c -> (FieldVector) all.getVector(c.name())).toList();
    return new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors, all.getRowCount());
  }

  @Test
  void bothFormatsHoldTheSameRowsAndTfRecordShardsListTheirBlocks() throws Exception {
    List<ShardEntry> shards = write(store, both(2 << 20, Compression.NONE), 10, 20_000);

    List<ShardEntry> parquet = shards.stream().filter(s -> s.format() == ShardFormat.PARQUET).toList();
    List<ShardEntry> tfrecord = shards.stream().filter(s -> s.format() == ShardFormat.TFRECORD).toList();
    assertThat(parquet.stream().mapToLong(ShardEntry::rows).sum()).isEqualTo(200_000);
    assertThat(tfrecord.stream().mapToLong(ShardEntry::rows).sum()).isEqualTo(200_000);
    assertThat(tfrecord).hasSizeGreaterThan(1);
    for (ShardEntry shard : tfrecord.subList(0, tfrecord.size() - 1)) {
      assertThat(shard.bytes()).isGreaterThanOrEqualTo(2 << 20);
      assertThat(shard.blocks()).hasSizeGreaterThan(1); // blocks of 1 MiB
    }
    long records = 0;
    for (ShardEntry shard : tfrecord) {
      byte[] bytes = Files.readAllBytes(root.resolve(shard.key().path()));
      assertThat(shard.key().path()).endsWith(".tfrecord");
      assertThat(shard.compression()).isEqualTo(Compression.NONE);
      assertThat((long) bytes.length).isEqualTo(shard.bytes());
      assertThat(shard.crc32c()).isEqualTo(crc32c(bytes));
      long offset = 0;
      for (ShardBlock block : shard.blocks()) {
        assertThat(block.offset()).isEqualTo(offset); // uncompressed blocks are back to back
        assertThat(countRecords(new ByteArrayInputStream(bytes, (int) block.offset(), (int) block.bytes()), shard, block.offset()))
            .isEqualTo(block.rows());
        offset += block.bytes();
      }
      assertThat(offset).isEqualTo(shard.bytes());
      records += countRecords(new ByteArrayInputStream(bytes), shard, 0);
    }
    assertThat(records).isEqualTo(200_000);
    ShardBlock first = tfrecord.get(0).blocks().get(0);
    assertThat(first.minEventMicros()).isEqualTo(TestBatches.BASE_MICROS);
    assertThat(first.maxEventMicros()).isEqualTo(TestBatches.BASE_MICROS + (first.rows() - 1) * TestBatches.HOUR_MICROS);
  }

  @Test
  void gzipShardIsOneGzipFileWhoseBlocksInflateOnTheirOwn() throws Exception {
    List<ShardEntry> shards = write(store, both(1 << 20, Compression.GZIP), 4, 25_000);
    List<ShardEntry> tfrecord = shards.stream().filter(s -> s.format() == ShardFormat.TFRECORD).toList();
    for (ShardEntry shard : tfrecord) {
      byte[] bytes = Files.readAllBytes(root.resolve(shard.key().path()));
      assertThat(shard.key().path()).endsWith(".tfrecord.gz");
      assertThat(shard.compression()).isEqualTo(Compression.GZIP);
      assertThat(countRecords(new GZIPInputStream(new ByteArrayInputStream(bytes)), shard, 0)).isEqualTo(shard.rows());
      for (int b = 0; b < shard.blocks().size(); b++) {
        ShardBlock block = shard.blocks().get(b);
        long end = b + 1 < shard.blocks().size() ? shard.blocks().get(b + 1).offset() : shard.bytes();
        InputStream member = new GZIPInputStream(new ByteArrayInputStream(bytes, (int) block.offset(), (int) (end - block.offset())));
        assertThat(countRecords(member, shard, 0)).isEqualTo(block.rows());
      }
    }
    assertThat(tfrecord.stream().mapToLong(ShardEntry::rows).sum()).isEqualTo(100_000);
    long plain = write(new LocalObjectStore(root.resolve("plain")), both(1 << 20, Compression.NONE), 4, 25_000).stream()
        .filter(s -> s.format() == ShardFormat.TFRECORD).mapToLong(ShardEntry::bytes).sum();
    assertThat(tfrecord.stream().mapToLong(ShardEntry::bytes).sum()).isLessThan(plain / 2);
  }

  @Test
  void float64IsRefusedBeforeAnythingIsWritten() throws Exception {
    assertThatThrownBy(() -> new SnapshotWriter(
        store, PREFIX, "snap1", TestBatches.allTypes(), both(1 << 20, Compression.NONE), ShardWriteSettings.defaults()))
        .isInstanceOfSatisfying(FeatureStoreException.class, e -> {
          assertThat(e.code()).isEqualTo("tfrecord-unsupported-type");
          assertThat(e.getMessage()).contains("score");
        });
    assertThat(store.list(ObjectKey.of("feature-sets"))).isEmpty();
  }

  @Test
  void failureToCompleteOneFormatRemovesTheOthersShards() throws Exception {
    ObjectStore failingTfRecord = new FailingCompletes(store, ".tfrecord");
    assertThatThrownBy(() -> write(failingTfRecord, both(1 << 20, Compression.NONE), 2, 2_000)) // no shard rolls: fails in finish()
        .isInstanceOf(IOException.class).hasMessageContaining("injected");
    assertThat(store.list(ObjectKey.of("feature-sets"))).isEmpty();
  }

  private static long countRecords(InputStream in, ShardEntry shard, long offset) throws IOException {
    TfRecordInput records = new TfRecordInput(in, shard.key().path(), offset);
    long n = 0;
    while (records.next()) {
      n++;
    }
    return n;
  }

  private static String crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return String.format("%08x", crc.getValue());
  }

  /** The real store, except that completing an upload of a key with the given ending fails. */
  private static final class FailingCompletes extends ForwardingObjectStore {
    private final String ending;

    FailingCompletes(ObjectStore store, String ending) {
      super(store);
      this.ending = ending;
    }

    @Override
    public ObjectUpload newUpload(ObjectKey key) throws IOException {
      ObjectUpload upload = super.newUpload(key);
      return !key.path().endsWith(ending) ? upload : new ForwardingUpload(upload) {
        @Override
        public ObjectInfo complete() throws IOException {
          abort();
          throw new IOException("injected failure completing " + key);
        }
      };
    }
  }
}
