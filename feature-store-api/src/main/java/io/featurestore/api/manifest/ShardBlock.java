package io.featurestore.api.manifest;

/**
 * A run of whole records in a TFRecord shard that a reader can start at: the unit of parallel and
 * ranged reads of sequential formats, as a row group is for Parquet. With GZIP each block is one
 * gzip member, so it decompresses on its own (and the concatenated members are one gzip file).
 *
 * @param offset byte offset of the block's first record (or gzip member) in the object
 * @param rows records in the block
 * @param bytes uncompressed length of the block's framed records
 * @param minEventMicros smallest event time in the block, UTC microseconds
 * @param maxEventMicros largest event time in the block, UTC microseconds
 */
public record ShardBlock(long offset, long rows, long bytes, long minEventMicros, long maxEventMicros) {
  public ShardBlock {
    if (offset < 0 || rows < 1 || bytes < 1 || minEventMicros > maxEventMicros) {
      throw new IllegalArgumentException(
          "invalid block: offset " + offset + ", rows " + rows + ", bytes " + bytes + ", event time " + minEventMicros
              + ".." + maxEventMicros);
    }
  }
}
