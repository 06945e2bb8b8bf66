package eu.runlater.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that records every request it receives and answers as the test's
 * {@link Responder} says (status, headers, body, or a deliberate delay).
 */
public final class Sink implements AutoCloseable {
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile Responder responder = request -> Reply.status(200);

  /** One recorded request. */
  public record Received(
      String method,
      String path,
      Map<String, List<String>> headers,
      byte[] body,
      Instant at,
      String remoteAddress) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().getFirst();
        }
      }
      return null;
    }
  }

  /** What to answer. */
  public record Reply(int status, Map<String, String> headers, byte[] body, Duration delay) {
    public static Reply status(int status) {
      return new Reply(status, Map.of(), new byte[0], Duration.ZERO);
    }

    public Reply withHeader(String name, String value) {
      var copy = new java.util.LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Reply(status, copy, body, delay);
    }

    public Reply withBody(byte[] body) {
      return new Reply(status, headers, body, delay);
    }

    public Reply after(Duration delay) {
      return new Reply(status, headers, body, delay);
    }
  }

  /** Decides the reply for each request. */
  @FunctionalInterface
  public interface Responder extends Function<Received, Reply> {}

  private Sink(String host, int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public static Sink start() {
    return new Sink("127.0.0.1", 0);
  }

  /** A sink on a given port: a destination that comes back where it was down. */
  public static Sink startOn(int port) {
    return new Sink("127.0.0.1", port);
  }

  public Sink respond(Responder responder) {
    this.responder = responder;
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return new ArrayList<>(received);
  }

  public int count() {
    return received.size();
  }

  /**
   * Requests being answered right now: received, reply not yet begun. It drops before the reply
   * goes out, so the client never sees its answer while this still counts the request (a caller
   * freed by the answer can send its next request at once).
   */
  public int inFlight() {
    return inFlight.get();
  }

  /** Waits until {@code condition} holds, failing the test after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /** Waits until at least {@code n} requests arrived. */
  public void awaitCount(int n, Duration timeout) {
    await(timeout, n + " requests (got " + count() + ")", () -> count() >= n);
  }

  private void handle(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    boolean counted = true;
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Received request =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              Map.copyOf(exchange.getRequestHeaders()),
              body,
              Instant.now(),
              exchange.getRemoteAddress().getAddress().getHostAddress());
      received.add(request);
      Reply reply = responder.apply(request);
      if (!reply.delay().isZero()) {
        try {
          Thread.sleep(reply.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      inFlight.decrementAndGet();
      counted = false;
      exchange.sendResponseHeaders(
          reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        exchange.getResponseBody().write(reply.body());
      }
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
