package io.featurestore.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server that cuts the first connections' responses after a number of
 * bytes, as a dropped network connection would: the real fault, with no mock of the client.
 */
public final class DroppingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final long cutAfterBytes;
  private final AtomicInteger connectionsToCut;
  /** Responses cut so far. */
  public final AtomicInteger cuts = new AtomicInteger();

  public DroppingProxy(URI upstream, long cutAfterBytes, int connectionsToCut) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamPort = upstream.getPort();
    this.cutAfterBytes = cutAfterBytes;
    this.connectionsToCut = new AtomicInteger(connectionsToCut);
    Thread acceptor = new Thread(this::accept, "dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        long limit = connectionsToCut.getAndDecrement() > 0 ? cutAfterBytes : Long.MAX_VALUE;
        pump(client.getInputStream(), server.getOutputStream(), Long.MAX_VALUE, client, server);
        pump(server.getInputStream(), client.getOutputStream(), limit, client, server);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(InputStream from, OutputStream to, long limit, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      long sent = 0;
      try {
        int n;
        while ((n = from.read(buffer)) >= 0) {
          if (sent + n > limit) {
            to.write(buffer, 0, (int) (limit - sent));
            to.flush();
            cuts.incrementAndGet();
            a.setSoLinger(true, 0); // reset, not a clean close
            a.close();
            b.close();
            return;
          }
          to.write(buffer, 0, n);
          sent += n;
        }
      } catch (IOException ignored) {
        // one side closed
      } finally {
        try {
          a.close();
          b.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, "dropping-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
