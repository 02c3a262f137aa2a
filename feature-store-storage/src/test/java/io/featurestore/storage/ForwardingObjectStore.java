package io.featurestore.storage;

import io.featurestore.api.storage.ObjectInfo;
import io.featurestore.api.storage.ObjectInput;
import io.featurestore.api.storage.ObjectKey;
import io.featurestore.api.storage.ObjectStore;
import io.featurestore.api.storage.ObjectUpload;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A real store behind a wrapper whose methods tests override to inject faults. */
public class ForwardingObjectStore implements ObjectStore {
  private final ObjectStore store;

  public ForwardingObjectStore(ObjectStore store) {
    this.store = store;
  }

  @Override
  public ObjectUpload newUpload(ObjectKey key) throws IOException {
    return store.newUpload(key);
  }

  @Override
  public ObjectInfo put(ObjectKey key, byte[] content) throws IOException {
    return store.put(key, content);
  }

  @Override
  public ObjectInput open(ObjectKey key) throws IOException {
    return store.open(key);
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
    return store.stat(key);
  }

  @Override
  public List<ObjectInfo> list(ObjectKey prefix) throws IOException {
    return store.list(prefix);
  }

  @Override
  public void delete(Collection<ObjectKey> keys) throws IOException {
    store.delete(keys);
  }

  @Override
  public String uri(ObjectKey key) {
    return store.uri(key);
  }

  @Override
  public void close() throws IOException {
    store.close();
  }

  /** An upload forwarding to a real one, for tests to override. */
  public static class ForwardingUpload extends ObjectUpload {
    private final ObjectUpload upload;

    public ForwardingUpload(ObjectUpload upload) {
      this.upload = upload;
    }

    @Override
    public void write(int b) throws IOException {
      upload.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      upload.write(b, off, len);
    }

    @Override
    public long position() {
      return upload.position();
    }

    @Override
    public ObjectInfo complete() throws IOException {
      return upload.complete();
    }

    @Override
    public void abort() {
      upload.abort();
    }
  }
}
