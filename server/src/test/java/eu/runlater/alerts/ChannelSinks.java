package eu.runlater.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Local HTTP servers standing in for Slack, Discord, Teams, Telegram, ntfy, PagerDuty, Pushover and
 * a webhook receiver: each path prefix records what it receives and answers as the service does.
 */
final class ChannelSinks implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();

  record Received(
      String method, String path, String query, Map<String, String> headers, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  private final HttpServer server;
  private final Map<String, BlockingQueue<Received>> received = new ConcurrentHashMap<>();

  ChannelSinks() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer("/slack", 200, "ok");
    answer("/discord", 200, "{\"id\":\"1\",\"type\":0}");
    answer("/teams", 202, "1");
    answer("/telegram", 200, "{\"ok\":true,\"result\":{\"message_id\":7}}");
    answer("/ntfy", 200, "{\"id\":\"abc\",\"event\":\"message\"}");
    answer("/pagerduty", 202, "{\"status\":\"success\",\"message\":\"Event processed\"}");
    answer("/pushover", 200, "{\"status\":1,\"request\":\"r1\"}");
    answer("/webhook", 200, "thanks");
    answer("/fail", 500, "boom: the receiver is down");
    server.start();
  }

  private void answer(String prefix, int status, String body) {
    BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
    received.put(prefix, queue);
    server.createContext(
        prefix,
        exchange -> {
          Map<String, String> headers = new ConcurrentHashMap<>();
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
          String text =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          queue.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestURI().getQuery(),
                  headers,
                  text));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  Received next(String prefix, Duration within) throws InterruptedException {
    Received r = received.get(prefix).poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("nothing reached " + prefix + " within " + within);
    }
    return r;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
