package eu.runlater.bench.reliability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving endpoint that keeps the books: every request to {@code /ok?seq=N} is recorded with
 * its arrival time, its {@code webhook-id} (the task's id, the same on every retry) and its {@code
 * Runlater-Attempt} (the attempt number: a re-delivery of a lost attempt carries a higher one),
 * then answered 200, after {@code ms} milliseconds when the query asks for it (so deliveries are in
 * flight when a node is killed). The sequence number is the harness's own name for what it
 * submitted: one accepted job or message, one {@code seq}.
 */
final class Ledger implements AutoCloseable {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  /** One request that reached the sink; {@code attempt} is -1 when the header was missing. */
  record Arrival(long seq, String webhookId, int attempt, long nanos, long epochMillis) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<Long, List<Arrival>> bySeq = new ConcurrentHashMap<>();
  private final Map<String, List<Arrival>> byWebhookId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Arrival> all = new ConcurrentLinkedQueue<>();
  private final LongAdder requests = new LongAdder();

  private Ledger(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static Ledger start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 4096);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    Ledger ledger = new Ledger(server, executor);
    server.createContext("/ok", ledger::ok);
    server.setExecutor(executor);
    server.start();
    return ledger;
  }

  private void ok(HttpExchange exchange) throws IOException {
    try (exchange) {
      long now = System.nanoTime();
      long epoch = System.currentTimeMillis();
      exchange.getRequestBody().readAllBytes();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      long seq = Long.parseLong(query.getOrDefault("seq", "-1"));
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      Arrival a = new Arrival(seq, id, attempt(exchange), now, epoch);
      all.add(a);
      bySeq.computeIfAbsent(seq, k -> Collections.synchronizedList(new ArrayList<>())).add(a);
      if (id != null) {
        byWebhookId
            .computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(a);
      }
      requests.increment();
      long ms = Long.parseLong(query.getOrDefault("ms", "0"));
      if (ms > 0) {
        try {
          Thread.sleep(ms);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
    }
  }

  private static int attempt(HttpExchange exchange) {
    String attempt = exchange.getRequestHeaders().getFirst("Runlater-Attempt");
    try {
      return attempt == null ? -1 : Integer.parseInt(attempt.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  /** The URL a job or message with this sequence number is sent to. */
  String url(long seq, long delayMillis) {
    return "http://127.0.0.1:%d/ok?seq=%d%s"
        .formatted(server.getAddress().getPort(), seq, delayMillis > 0 ? "&ms=" + delayMillis : "");
  }

  long count() {
    return requests.sum();
  }

  List<Arrival> arrivals(long seq) {
    List<Arrival> list = bySeq.get(seq);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  List<Arrival> arrivalsOfRun(String webhookId) {
    List<Arrival> list = byWebhookId.get(webhookId);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      return List.copyOf(list);
    }
  }

  /** Every arrival so far, in no particular order. */
  List<Arrival> all() {
    return List.copyOf(all);
  }

  boolean delivered(long seq) {
    return bySeq.containsKey(seq);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
