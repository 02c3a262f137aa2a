package io.featurestore.storage.local;

import static java.util.Objects.requireNonNull;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An object store in a local directory: the embedded default. Uploads go to a hidden staging
 * directory and are moved into place atomically on completion, so a reader never sees a partial
 * object, as on S3; they are forced to disk first, so a completed object survives an OS crash.
 */
public final class LocalObjectStore implements ObjectStore {
  /** Staging directory for uploads in progress; never listed. */
  static final String STAGING = ".staging";

  private final Path root;
  private final Path staging;

  public LocalObjectStore(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.staging = this.root.resolve(STAGING);
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new FeatureStoreException(
          ErrorKind.UNAVAILABLE, "store-unavailable", "cannot create store directory " + staging + ": " + e, e);
    }
  }

  public Path root() {
    return root;
  }

  private Path path(ObjectKey key) {
    return root.resolve(key.path());
  }

  @Override
  public ObjectUpload newUpload(ObjectKey key) throws IOException {
    Path target = path(key);
    Path temp = staging.resolve(UUID.randomUUID() + ".tmp");
    return new LocalUpload(root, key, target, temp);
  }

  @Override
  public ObjectInfo put(ObjectKey key, byte[] content) throws IOException {
    try (ObjectUpload upload = newUpload(key)) {
      upload.write(content);
      return upload.complete();
    }
  }

  @Override
  public ObjectInput open(ObjectKey key) throws IOException {
    try {
      return new LocalInput(path(key), FileChannel.open(path(key), StandardOpenOption.READ));
    } catch (NoSuchFileException e) {
      throw notFound(key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
    Path p = path(key);
    try {
      BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ObjectInfo> list(ObjectKey prefix) throws IOException {
    Path dir = path(prefix);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ObjectInfo> result = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          objectKey(file).ifPresent(key -> result.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant())));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE; // deleted while listing, which a listing of S3 tolerates too
        }
        throw e;
      }
    });
    result.sort((a, b) -> a.key().compareTo(b.key()));
    return result;
  }

  /** The key of a file; empty for a file other tools put there under a name no key has. */
  private Optional<ObjectKey> objectKey(Path file) {
    try {
      return Optional.of(ObjectKey.of(root.relativize(file).toString().replace('\\', '/')));
    } catch (FeatureStoreException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(Collection<ObjectKey> keys) throws IOException {
    for (ObjectKey key : keys) {
      Files.deleteIfExists(path(key));
    }
  }

  @Override
  public String uri(ObjectKey key) {
    return path(key).toUri().toString();
  }

  @Override
  public void close() {}

  private static FeatureStoreException notFound(ObjectKey key, Exception cause) {
    return new FeatureStoreException(ErrorKind.NOT_FOUND, "object-not-found", "object '" + key + "' does not exist", cause);
  }

  private static final class LocalUpload extends ObjectUpload {
    private final Path root;
    private final ObjectKey key;
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private long position;
    private boolean done;

    LocalUpload(Path root, ObjectKey key, Path target, Path temp) throws IOException {
      this.root = root;
      this.key = key;
      this.target = target;
      this.temp = temp;
      this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    }

    @Override
    public void write(int b) throws IOException {
      checkOpen();
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      checkOpen();
      out.write(b, off, len);
      position += len;
    }

    private void checkOpen() throws IOException {
      if (done) {
        throw new IOException("upload of '" + key + "' is already completed or aborted");
      }
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public ObjectInfo complete() throws IOException {
      checkOpen();
      try {
        // Durable before it is visible, and its name durable before the caller commits it: an OS
        // crash must not leave a committed manifest pointing at an empty or missing file.
        out.flush();
        channel.force(true);
        out.close();
        Files.createDirectories(target.getParent());
        // Only a rename is atomic: a copy (another file system under the root) could be seen half-written.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        done = true;
        // Every directory up to the root: another upload may have created one of them and not forced
        // its parent yet.
        for (Path d = target.getParent(); d.startsWith(root); d = d.getParent()) {
          forceDirectory(d);
        }
        BasicFileAttributes attrs = Files.readAttributes(target, BasicFileAttributes.class);
        return new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant());
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // the temporary file is deleted below either way
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a leftover staging file is invisible to readers
      }
    }
  }

  /**
   * Makes a directory's entries durable where the file system allows it (Linux and macOS; some
   * network and FUSE file systems refuse to sync a directory, and the rename is atomic regardless).
   */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // durability of the name is then the file system's
    }
  }

  private static final class LocalInput implements ObjectInput {
    private final Path path;
    private final FileChannel channel;
    private final long length;

    LocalInput(Path path, FileChannel channel) throws IOException {
      this.path = path;
      this.channel = channel;
      this.length = channel.size();
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int len) throws IOException {
      ByteBuffer bb = ByteBuffer.wrap(buffer, offset, len);
      long pos = position;
      while (bb.hasRemaining()) {
        int n = channel.read(bb, pos);
        if (n < 0) {
          throw new EOFException("end of " + path + " at " + pos + " while reading " + len + " bytes from " + position);
        }
        pos += n;
      }
    }

    @Override
    public InputStream newStream(long position, long length) throws IOException {
      if (position < 0 || length < 0 || position + length > this.length) {
        throw new EOFException("range " + position + "+" + length + " is outside " + path + " of " + this.length + " bytes");
      }
      // Positional reads of this input's channel: they move no shared position, and go on working
      // after the file is deleted (a cache evicting it), as readFully does.
      return new InputStream() {
        private final long end = position + length;
        private long next = position;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int len) throws IOException {
          if (next >= end) {
            return -1;
          }
          int n = channel.read(ByteBuffer.wrap(buffer, offset, (int) Math.min(len, end - next)), next);
          if (n < 0) {
            throw new EOFException("end of " + path + " at " + next + ", before " + end);
          }
          next += n;
          return n;
        }
      };
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
