package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving endpoint: the JDK's HTTP server on 127.0.0.1, a virtual thread per exchange,
 * answering every request 200 with a two-byte body. It counts requests, so phases can tell when
 * their last delivery arrived.
 */
final class Sink implements AutoCloseable {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private final HttpServer server;
  private final ExecutorService executor;
  private final LongAdder requests = new LongAdder();

  private Sink(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static Sink start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    Sink sink = new Sink(server, executor);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, OK.length);
            exchange.getResponseBody().write(OK);
          }
          sink.requests.increment();
        });
    server.setExecutor(executor);
    server.start();
    return sink;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  /** Requests answered since the sink started. */
  long count() {
    return requests.sum();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
