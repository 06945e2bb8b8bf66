package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts under a storm: {@code --jobs} one-time jobs (default 1,000) all due at the same second
 * fail against a local target; two webhook channels receive what alerts send. Reports how many
 * messages each channel got (the goal: one grouped message), and, per incident, the time from its
 * failure (the incident's first failure, i.e. the execution's end) to the message that told it
 * arriving at the channel: p50 and p99.
 *
 * <pre>
 * AlertBench [--jobs 1000] [--dir target/alert-bench]
 * </pre>
 */
public final class AlertBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private record Received(String channel, Instant at, JsonNode body) {}

  public static void main(String[] args) throws Exception {
    int jobs = 1_000;
    Path dir = Path.of("bench/target/alert-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    target.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    // Jobs get 500; hooks record what they are told.
    target.createContext(
        "/job/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
          }
        });
    target.createContext(
        "/hook/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(
                new Received(
                    exchange.getRequestURI().getPath(),
                    Instant.now(),
                    JSON.readTree(new String(body, StandardCharsets.UTF_8))));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    target.start();
    String base = "http://127.0.0.1:" + target.getAddress().getPort();
    try (BenchPostgres pg = BenchPostgres.start(dir.resolve("pg"), false);
        BenchServer server = BenchServer.start(pg, dir, "alerts")) {
      String key = server.apiKey();
      for (String channel : List.of("a", "b")) {
        post(
            server,
            key,
            "/api/v1/alert-channels",
            "{\"name\":\"%s\",\"kind\":\"webhook\",\"settings\":{\"url\":\"%s/hook/%s\"}}"
                .formatted(channel, base, channel));
      }
      // All due at the same second, far enough ahead for every job to be created first.
      Instant at =
          Instant.now()
              .plusSeconds(Math.max(15, jobs / 50))
              .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      for (int i = 0; i < jobs; i++) {
        post(
            server,
            key,
            "/api/v1/jobs",
            """
            {"name": "job-%04d", "url": "%s/job/%d", "retries": 0,
             "schedule": {"type": "once", "at": "%s"}}
            """
                .formatted(i, base, i, at));
      }
      System.out.printf("%d jobs due at %s%n", jobs, at);
      Map<String, Integer> told = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < deadline) {
        told.clear();
        for (Received r : received) {
          told.merge(r.channel(), r.body().path("incidents").size(), Integer::sum);
        }
        if (told.getOrDefault("/hook/a", 0) >= jobs && told.getOrDefault("/hook/b", 0) >= jobs) {
          break;
        }
        Thread.sleep(50);
      }
      Thread.sleep(3_000); // anything more that a second group would bring
      JdbcClient jdbc = server.context().getBean(JdbcClient.class);
      Map<UUID, Instant> failedAt = new HashMap<>();
      jdbc.sql("SELECT id, first_failure_at FROM alert_incidents")
          .query(
              rs -> {
                failedAt.put(
                    rs.getObject(1, UUID.class), rs.getObject(2, OffsetDateTime.class).toInstant());
              });
      Instant firstFailure = failedAt.values().stream().min(Instant::compareTo).orElse(at);
      Instant lastFailure = failedAt.values().stream().max(Instant::compareTo).orElse(at);
      Map<String, Integer> messages = new HashMap<>();
      List<Double> latencies = new ArrayList<>();
      for (Received r : received) {
        messages.merge(r.channel(), 1, Integer::sum);
        for (JsonNode incident : r.body().path("incidents")) {
          Instant failed = failedAt.get(UUID.fromString(incident.path("id").asString()));
          if (failed != null) {
            latencies.add((double) Duration.between(failed, r.at()).toMillis());
          }
        }
        System.out.printf(
            "%s got \"%s\" with %d incidents, %d ms after the first failure%n",
            r.channel(),
            r.body().path("headline").asString(),
            r.body().path("incidents").size(),
            Duration.between(firstFailure, r.at()).toMillis());
      }
      System.out.printf(
          "incidents: %d; failures spread over %d ms; messages per channel: %s%n",
          failedAt.size(), Duration.between(firstFailure, lastFailure).toMillis(), messages);
      System.out.println(
          "failure -> alert received, per incident and channel: "
              + Stats.Percentiles.of(
                  latencies.stream().mapToDouble(Double::doubleValue).toArray()));
    } finally {
      target.stop(0);
    }
  }

  private static void post(BenchServer server, String key, String path, String json)
      throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
  }
}
