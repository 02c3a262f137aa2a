package io.featurestore.storage.s3;

import io.featurestore.api.ErrorKind;
import io.featurestore.api.FeatureStoreException;
import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectUpload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A multipart upload fed as an output stream. Bytes fill a part buffer; a full buffer is sent on the
 * store's upload threads while the caller keeps writing into another. At most {@code
 * maxPartsInFlight} parts are being sent at once, so memory is bounded by {@code (maxPartsInFlight +
 * 1) * partSize}. An object smaller than one part is sent with a single PUT instead.
 */
final class S3Upload extends ObjectUpload {
  private static final Logger log = LoggerFactory.getLogger(S3Upload.class);
  private static final int FIRST_BUFFER = 256 * 1024;

  private final S3ObjectStore store;
  private final ObjectKey key;
  private final String s3Key;
  private final int partSize;
  private final Semaphore inFlight;
  private final ConcurrentLinkedQueue<byte[]> freeBuffers = new ConcurrentLinkedQueue<>();
  private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
  private byte[] buffer;
  private int filled;
  private long position;
  private String uploadId;
  private volatile Throwable failure;
  private boolean finished;

  S3Upload(S3ObjectStore store, ObjectKey key) {
    this.store = store;
    this.key = key;
    this.s3Key = store.s3Key(key);
    this.partSize = store.config().partSize();
    this.inFlight = new Semaphore(store.config().maxPartsInFlight());
    // Start small so small objects (and many open uploads) do not each pin a whole part.
    this.buffer = new byte[Math.min(FIRST_BUFFER, partSize)];
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkWritable();
    while (len > 0) {
      if (filled == buffer.length) {
        if (buffer.length < partSize) {
          buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, partSize));
        } else {
          sendPart();
        }
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      position += n;
    }
  }

  private void checkWritable() throws IOException {
    if (finished) {
      throw new IOException("upload of '" + key + "' is already completed or aborted");
    }
    Throwable f = failure;
    if (f != null) {
      throw asStoreError(f);
    }
  }

  private void sendPart() throws IOException {
    if (uploadId == null) {
      CreateMultipartUploadRequest.Builder request =
          CreateMultipartUploadRequest.builder().bucket(store.config().bucket()).key(s3Key);
      if (store.config().checksums()) {
        // The upload must name the algorithm its parts carry, or AWS refuses to complete it (InvalidPart).
        request.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
      }
      if (store.config().serverSideEncryption() != null) {
        request.serverSideEncryption(store.config().serverSideEncryption());
        if (store.config().kmsKeyId() != null) {
          request.ssekmsKeyId(store.config().kmsKeyId());
        }
      }
      uploadId = store.call("start upload", key, () -> store.client().createMultipartUpload(request.build())).uploadId();
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to send a part of '" + key + "'");
    }
    byte[] data = buffer;
    int length = filled;
    int partNumber = parts.size() + 1;
    String id = uploadId;
    CompletableFuture<CompletedPart> part;
    try {
      part = CompletableFuture.supplyAsync(() -> uploadPart(id, partNumber, data, length), store.uploadExecutor());
    } catch (RejectedExecutionException e) {
      inFlight.release();
      throw new FeatureStoreException(ErrorKind.UNAVAILABLE, "store-closed", "the object store is closed; '" + key + "' was not written", e);
    }
    part.whenComplete((done, error) -> {
      if (error != null && failure == null) {
        failure = error;
      }
      freeBuffers.add(data);
      inFlight.release();
    });
    parts.add(part);
    byte[] next = freeBuffers.poll();
    buffer = next != null ? next : new byte[partSize];
    filled = 0;
  }

  private CompletedPart uploadPart(String id, int partNumber, byte[] data, int length) {
    // The provider is asked again on each retry; it wraps the buffer without copying it.
    RequestBody body = RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    boolean checksums = store.config().checksums();
    UploadPartResponse response = store.client().uploadPart(
        b -> b.bucket(store.config().bucket()).key(s3Key).uploadId(id).partNumber(partNumber).contentLength((long) length)
            .checksumAlgorithm(checksums ? ChecksumAlgorithm.CRC32_C : null),
        body);
    return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
        .checksumCRC32C(checksums ? response.checksumCRC32C() : null).build();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public ObjectInfo complete() throws IOException {
    checkWritable();
    try {
      if (uploadId == null) {
        byte[] data = buffer;
        int length = filled;
        PutObjectRequest request = store.withEncryption(PutObjectRequest.builder().bucket(store.config().bucket()).key(s3Key));
        store.call("write", key, () -> store.client().putObject(request,
            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream")));
      } else {
        if (filled > 0) {
          sendPart();
        }
        List<CompletedPart> completed = new ArrayList<>(parts.size());
        for (CompletableFuture<CompletedPart> part : parts) {
          completed.add(part.join());
        }
        completed.sort(Comparator.comparingInt(CompletedPart::partNumber));
        completeUpload(completed);
      }
      finished = true;
      buffer = null;
      freeBuffers.clear();
      return new ObjectInfo(key, position, Instant.now());
    } catch (CompletionException e) {
      abort();
      throw asStoreError(e.getCause());
    } catch (RuntimeException | IOException e) {
      abort();
      throw e;
    }
  }

  /**
   * S3 may take long to assemble many parts, and may finish after the attempt timed out: the SDK's
   * retry then finds no upload. The object is there, complete, if it has exactly our bytes.
   */
  private void completeUpload(List<CompletedPart> completed) {
    String id = uploadId;
    try {
      store.client().completeMultipartUpload(b -> b.bucket(store.config().bucket()).key(s3Key).uploadId(id)
          .multipartUpload(m -> m.parts(completed))
          .overrideConfiguration(o -> o.apiCallAttemptTimeout(store.config().requestTimeout().multipliedBy(5))));
    } catch (NoSuchUploadException e) {
      Optional<ObjectInfo> object = store.stat(key);
      if (object.isEmpty() || object.get().size() != position) {
        throw new FeatureStoreException(
            ErrorKind.UNAVAILABLE, "upload-lost",
            "the store no longer knows the multipart upload of '" + key + "' (aborted by a lifecycle rule?); write it again", e);
      }
      log.info("multipart upload {} of {} was completed by an earlier attempt", id, key);
    } catch (SdkException e) {
      throw store.classify("complete upload", key.path(), e);
    }
  }

  @Override
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    buffer = null;
    for (CompletableFuture<CompletedPart> part : parts) {
      try {
        part.join();
      } catch (RuntimeException ignored) {
        // the upload is being discarded; its part failures no longer matter
      }
    }
    freeBuffers.clear();
    if (uploadId != null) {
      String id = uploadId;
      try {
        store.client().abortMultipartUpload(b -> b.bucket(store.config().bucket()).key(s3Key).uploadId(id));
      } catch (SdkException e) {
        // Parts of an unfinished upload are invisible to readers; a bucket lifecycle rule or GC removes them.
        log.warn("could not abort multipart upload {} of {}: {}", id, key, e.toString());
      }
    }
  }

  private RuntimeException asStoreError(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof FeatureStoreException f) {
      return f;
    }
    if (cause instanceof SdkException e) {
      return store.classify("upload part", key.path(), e);
    }
    return new FeatureStoreException(ErrorKind.INTERNAL, "upload-failed", "upload of '" + key + "' failed: " + cause, cause);
  }
}
