package io.featurestore.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A cursor over the entries (levels and values) of one column chunk of fixed-width numbers, read
 * page by page. PLAIN values are little-endian, exactly Arrow's layout, so runs of them are copied
 * into Arrow buffers in bulk instead of value by value; dictionary pages are resolved here too;
 * other encodings go through parquet-java's value reader. The reader's hot path for floats and embeddings.
 */
final class PlainPages {
  private final PageReader pages;
  private final ColumnDescriptor leaf;
  private final int width;
  private final int maxDef;
  private final int maxRep;
  /**
   * The page's levels (arrays may be longer than {@link #count}), or null when the column has none
   * or, for definition levels, when the page holds no null: every level is the maximum.
   */
  private int[] rep;
  private int[] def;
  /** The arrays behind {@link #rep} and {@link #def}, kept from page to page. */
  private int[] repBuffer;
  private int[] defBuffer;
  private int count;
  private int next;
  /** PLAIN values of the page, positioned at the next value; null when the page is encoded otherwise. */
  private ByteBuffer plain;
  /** The chunk's dictionary (PLAIN values), or null; with {@link #ids}, the page's dictionary indexes. */
  private final ByteBuffer dictionary;
  private int[] ids;
  private int nextId;
  /** The array behind {@link #ids}, kept for the next dictionary-encoded page. */
  private int[] idBuffer;
  /** Decodes pages in any other encoding. */
  private ValuesReader other;
  /** Takes back each page's bytes once its entries are read. */
  private final PageDecompression decompression;
  /** The current page's (decompressed) bytes, which {@link #plain} and {@link #other} read. */
  private BytesInput pageBytes;

  PlainPages(PageReader pages, ColumnDescriptor leaf, PageDecompression decompression) throws IOException {
    this.pages = pages;
    this.decompression = decompression;
    this.leaf = leaf;
    this.width = width(leaf.getPrimitiveType().getPrimitiveTypeName());
    this.maxDef = leaf.getMaxDefinitionLevel();
    this.maxRep = leaf.getMaxRepetitionLevel();
    DictionaryPage page = pages.readDictionaryPage();
    if (page != null && page.getEncoding() != Encoding.PLAIN && page.getEncoding() != Encoding.PLAIN_DICTIONARY) {
      throw new IOException("column " + String.join(".", leaf.getPath()) + " has a dictionary in encoding " + page.getEncoding());
    }
    this.dictionary = page == null ? null : page.getBytes().toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Bytes per value, or 0 if the type is not a fixed-width number. */
  static int width(PrimitiveTypeName type) {
    return switch (type) {
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      default -> 0;
    };
  }

  int width() {
    return width;
  }

  /** Entries left in the current page, loading the next page first if this one is used up. */
  int available() throws IOException {
    if (!hasEntries()) {
      throw new IOException("column " + String.join(".", leaf.getPath()) + " has fewer values than its row group");
    }
    return count - next;
  }

  /** Whether the chunk has entries left, loading the next page if this one is used up; false at the chunk's end. */
  boolean hasEntries() throws IOException {
    while (next == count) {
      if (!loadPage()) {
        return false;
      }
    }
    return true;
  }

  int definition() throws IOException {
    available();
    return def == null ? maxDef : def[next];
  }

  int repetition() throws IOException {
    available();
    return rep == null ? 0 : rep[next];
  }

  /**
   * How many records, at most {@code limit}, follow from the current entry in this page that hold
   * exactly {@code size} values and no nulls: each entry a value, each record's first entry starting
   * a row, the rest continuing it, and the entry after each starting the next row (so a page's last
   * record, which the next page may continue, is not one of them). Those are copied in one piece.
   */
  int fullRecords(int size, int limit) {
    int records = 0;
    int i = next;
    while (records < limit && count - i >= size) {
      int end = i + size;
      for (int j = i; j < end; j++) {
        if ((def != null && def[j] != maxDef) || (rep != null && rep[j] != (j == i ? 0 : maxRep))) {
          return records;
        }
      }
      if (rep != null && (end == count || rep[end] != 0)) {
        return records; // a longer list, or one the next page may continue
      }
      records++;
      i = end;
    }
    return records;
  }

  /** Length of the run of values (not nulls) starting at the current entry, within this page. */
  int valueRun(int limit) {
    int end = Math.min(count, next + limit);
    if (def == null) {
      return end - next;
    }
    int i = next;
    while (i < end && def[i] == maxDef) {
      i++;
    }
    return i - next;
  }

  /** Copies the next {@code n} entries, all values, to {@code target} at byte {@code offset}. */
  void copyValues(ArrowBuf target, long offset, int n) {
    if (plain != null) {
      int position = plain.position();
      if (plain.hasArray()) {
        // ArrowBuf.setBytes(ByteBuffer) duplicates a heap buffer on every call: too slow per row
        target.setBytes(offset, plain.array(), plain.arrayOffset() + position, n * width);
      } else {
        target.setBytes(offset, plain, position, n * width);
      }
      plain.position(position + n * width);
    } else if (ids != null) {
      for (int i = 0; i < n; i++) {
        int id = ids[nextId++];
        if (width == 8) {
          target.setLong(offset + (long) i * 8, dictionary.getLong(id * 8));
        } else {
          target.setInt(offset + (long) i * 4, dictionary.getInt(id * 4));
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        long at = offset + (long) i * width;
        switch (leaf.getPrimitiveType().getPrimitiveTypeName()) {
          case FLOAT -> target.setFloat(at, other.readFloat());
          case DOUBLE -> target.setDouble(at, other.readDouble());
          case INT32 -> target.setInt(at, other.readInteger());
          default -> target.setLong(at, other.readLong());
        }
      }
    }
    next += n;
  }

  /** Marks slots {@code [start, start + length)} of a validity buffer as present, a byte at a time where possible. */
  static void setValid(ArrowBuf validity, int start, int length) {
    int i = start;
    int end = start + length;
    while (i < end && (i & 7) != 0) {
      BitVectorHelper.setBit(validity, i++);
    }
    int wholeBytes = (end - i) >>> 3;
    if (wholeBytes > 0) {
      validity.setOne((long) (i >>> 3), wholeBytes); // one memset: an embedding's run sets 4 bytes a row
      i += wholeBytes << 3;
    }
    while (i < end) {
      BitVectorHelper.setBit(validity, i++);
    }
  }

  /** Moves past an entry that holds no value (a null or an empty list). */
  void skip() {
    next++;
  }

  /** Loads the next page; false if the chunk has no more. */
  private boolean loadPage() throws IOException {
    if (pageBytes != null) {
      decompression.recycle(pageBytes); // every entry of it has been read
      pageBytes = null;
    }
    DataPage page = pages.readPage();
    if (page == null) {
      return false;
    }
    count = page.getValueCount();
    next = 0;
    if (page instanceof DataPageV1 v1) {
      pageBytes = v1.getBytes();
      ByteBufferInputStream in = pageBytes.toInputStream();
      rep = maxRep == 0 ? null : levels(v1.getRlEncoding(), maxRep, ValuesType.REPETITION_LEVEL, in, repBuffer);
      def = maxDef == 0 ? null : levels(v1.getDlEncoding(), maxDef, ValuesType.DEFINITION_LEVEL, in, defBuffer);
      values(v1.getValueEncoding(), in);
    } else {
      DataPageV2 v2 = (DataPageV2) page;
      rep = maxRep == 0 ? null : hybrid(v2.getRepetitionLevels().toByteBuffer(), maxRep, repBuffer, false);
      def = maxDef == 0 ? null : hybrid(v2.getDefinitionLevels().toByteBuffer(), maxDef, defBuffer, true);
      pageBytes = v2.getData();
      values(v2.getDataEncoding(), pageBytes.toInputStream());
    }
    repBuffer = rep != null ? rep : repBuffer;
    defBuffer = def != null ? def : defBuffer;
    return true;
  }

  /** Levels of a V1 page: RLE (length-prefixed) decoded here in bulk; the deprecated BIT_PACKED through parquet-java. */
  private int[] levels(Encoding encoding, int max, ValuesType type, ByteBufferInputStream in, int[] reuse)
      throws IOException {
    if (encoding == Encoding.RLE) {
      int length = BytesUtils.readIntLittleEndian(in);
      return hybrid(in.slice(length), max, reuse, type == ValuesType.DEFINITION_LEVEL);
    }
    ValuesReader reader = encoding.getValuesReader(leaf, type);
    reader.initFromPage(count, in);
    int[] levels = room(reuse, count);
    for (int i = 0; i < count; i++) {
      levels[i] = reader.readInteger();
    }
    return levels;
  }

  /**
   * Decodes {@link #count} levels of Parquet's RLE / bit-packing hybrid encoding: runs introduced by
   * a ULEB128 header whose low bit says RLE (a repeated value) or bit-packed (groups of 8 values,
   * least significant bits first). parquet-java decodes them one value at a time, which costs more
   * than the values themselves for embeddings (two levels per element).
   */
  private int[] hybrid(ByteBuffer in, int max, int[] reuse, boolean nullIfAllMax) throws IOException {
    int bitWidth = BytesUtils.getWidthFromMaxInt(max);
    if (nullIfAllMax && isRunOf(in, bitWidth, count, max)) {
      return null; // a page without nulls: one run of the maximum, nothing to decode or check per entry
    }
    return decodeHybrid(in, bitWidth, count, reuse);
  }

  /** Whether the hybrid-encoded levels start with one RLE run of {@code value} at least {@code count} long. */
  static boolean isRunOf(ByteBuffer in, int bitWidth, int count, int value) {
    int p = in.position();
    int header = 0;
    int shift = 0;
    int b;
    do {
      if (p >= in.limit() || shift > 28) {
        return false;
      }
      b = in.get(p++) & 0xff;
      header |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    if ((header & 1) != 0 || (header >>> 1) < count) {
      return false; // bit-packed, or a shorter run
    }
    int byteWidth = (bitWidth + 7) / 8;
    if (p + byteWidth > in.limit()) {
      return false;
    }
    int runValue = 0;
    for (int i = 0; i < byteWidth; i++) {
      runValue |= (in.get(p + i) & 0xff) << (8 * i);
    }
    return runValue == value;
  }

  /** {@code reuse} if it holds {@code count} ints, else a new array: a page's arrays are not allocated again for every page. */
  private static int[] room(int[] reuse, int count) {
    return reuse != null && reuse.length >= count ? reuse : new int[count];
  }

  /** Decodes {@code count} values into {@code reuse} if it is long enough (null: a new array), returning the array used. */
  static int[] decodeHybrid(ByteBuffer in, int bitWidth, int count, int[] reuse) throws IOException {
    byte[] bytes;
    int p;
    int limit;
    int start = in.position();
    if (in.hasArray()) {
      bytes = in.array();
      p = in.arrayOffset() + in.position();
      limit = in.arrayOffset() + in.limit();
    } else {
      bytes = new byte[in.remaining()];
      in.duplicate().get(bytes);
      p = 0;
      limit = bytes.length;
    }
    int byteWidth = (bitWidth + 7) / 8;
    int mask = (1 << bitWidth) - 1;
    int[] levels = room(reuse, count);
    int n = 0;
    try {
      while (n < count) {
        if (p >= limit) {
          throw new IOException("levels end after " + n + " of " + count);
        }
        int header = 0;
        int shift = 0;
        int b;
        do {
          if (p >= limit) {
            throw new IOException("levels are truncated");
          }
          b = bytes[p++] & 0xff;
          header |= (b & 0x7f) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        if ((header & 1) == 0) {
          if (p + byteWidth > limit) {
            throw new IOException("levels are truncated");
          }
          int value = 0;
          for (int i = 0; i < byteWidth; i++) {
            value |= (bytes[p++] & 0xff) << (8 * i);
          }
          int end = (int) Math.min(count, (long) n + (header >>> 1));
          java.util.Arrays.fill(levels, n, end, value);
          n = end;
        } else {
          int values = (header >>> 1) * 8;
          if (p + (long) (header >>> 1) * bitWidth > limit) {
            throw new IOException("bit-packed levels run past the end of the page");
          }
          if (bitWidth == 1) { // the usual width of list levels: a byte holds eight
            for (int g = 0; g < values; g += 8) {
              int b8 = bytes[p++];
              for (int k = 0; k < 8 && n < count; k++) {
                levels[n++] = (b8 >>> k) & 1;
              }
              if (n >= count) {
                p += (values - g - 8) / 8; // skip the padding bytes of the run
                n += values - g - 8;
                break;
              }
            }
            continue;
          }
          long buffer = 0;
          int bits = 0;
          for (int i = 0; i < values; i++) {
            while (bits < bitWidth) {
              buffer |= (long) (bytes[p++] & 0xff) << bits;
              bits += 8;
            }
            if (n < count) {
              levels[n] = (int) (buffer & mask);
            }
            n++;
            buffer >>>= bitWidth;
            bits -= bitWidth;
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IOException("levels are truncated", e);
    }
    in.position(in.hasArray() ? p - in.arrayOffset() : start + p);
    return levels;
  }


  private void values(Encoding encoding, ByteBufferInputStream in) throws IOException {
    plain = null;
    ids = null;
    other = null;
    int values = def == null ? count : 0;
    for (int i = 0; def != null && i < count; i++) {
      values += def[i] == maxDef ? 1 : 0;
    }
    if (encoding == Encoding.PLAIN) {
      plain = in.slice((int) in.available()).order(ByteOrder.LITTLE_ENDIAN);
      if (plain.remaining() < (long) values * width) {
        throw new IOException("column " + String.join(".", leaf.getPath()) + " has a PLAIN page of " + values
            + " values in " + plain.remaining() + " bytes");
      }
    } else if (encoding == Encoding.RLE_DICTIONARY || encoding == Encoding.PLAIN_DICTIONARY) {
      if (dictionary == null) {
        throw new IOException("column " + String.join(".", leaf.getPath()) + " has dictionary-encoded pages but no dictionary");
      }
      ByteBuffer data = in.slice((int) in.available());
      int bitWidth = data.get() & 0xff;
      ids = idBuffer = decodeHybrid(data, bitWidth, values, idBuffer);
      nextId = 0;
      int entries = dictionary.remaining() / width;
      for (int i = 0; i < values; i++) {
        int id = ids[i];
        if (id < 0 || id >= entries) {
          throw new IOException("column " + String.join(".", leaf.getPath()) + " refers to dictionary entry " + id + " of " + entries);
        }
      }
    } else {
      other = encoding.getValuesReader(leaf, ValuesType.VALUES);
      other.initFromPage(values, in);
    }
  }
}
