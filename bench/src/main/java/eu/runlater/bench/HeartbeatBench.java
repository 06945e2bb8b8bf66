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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Heartbeats at scale on one node: {@code --monitors} heartbeat monitors (default 10,000) every
 * minute with a minute of grace, each pinged once a minute (spread evenly over the minute) for
 * {@code --minutes}; a tenth of them ({@code --silent}) stop after their first ping. Reports the
 * ping ingest (the steady rate, answer time p50/p99, then the most pings per second the node takes
 * with 64 concurrent pingers), how late each silent monitor was marked down after its due time plus
 * grace (p50/p99) and how late the down alert reached a webhook channel, and where the CPU went
 * during the steady phase (the JVM includes this driver's pingers).
 *
 * <pre>
 * HeartbeatBench [--monitors 10000] [--silent 1000] [--minutes 3] [--dir target/heartbeat-bench]
 * </pre>
 */
public final class HeartbeatBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

  private record Received(Instant at, JsonNode body) {}

  public static void main(String[] args) throws Exception {
    int monitors = 10_000;
    int silent = -1;
    int minutes = 3;
    Path dir = Path.of("bench/target/heartbeat-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--monitors" -> monitors = Integer.parseInt(args[i + 1]);
        case "--silent" -> silent = Integer.parseInt(args[i + 1]);
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (silent < 0) {
      silent = monitors / 10;
    }
    Files.createDirectories(dir);
    ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    HttpServer hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    hooks.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    hooks.createContext(
        "/hook",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(
                new Received(
                    Instant.now(), JSON.readTree(new String(body, StandardCharsets.UTF_8))));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    hooks.start();
    String hookUrl = "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook";
    try (BenchPostgres pg = BenchPostgres.start(dir.resolve("pg"), false);
        BenchServer server =
            BenchServer.start(
                pg, dir, "heartbeats", "--runlater.caps.pro.monitors=" + (monitors + 10))) {
      String key = server.apiKey();
      URI base = server.base();
      send(
          base,
          key,
          "POST",
          "/api/v1/alert-channels",
          "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\"" + hookUrl + "\"}}",
          201);

      // Create the monitors, 32 at a time.
      long t0 = System.nanoTime();
      String[] pingPaths = new String[monitors];
      UUID[] ids = new UUID[monitors];
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        Semaphore slots = new Semaphore(32);
        for (int i = 0; i < monitors; i++) {
          int n = i;
          slots.acquire();
          pool.submit(
              () -> {
                try {
                  JsonNode m =
                      JSON.readTree(
                          send(
                              base,
                              key,
                              "POST",
                              "/api/v1/monitors",
                              "{\"name\": \"hb-%05d\", \"period\": \"1m\", \"grace\": \"1m\"}"
                                  .formatted(n),
                              201));
                  ids[n] = UUID.fromString(m.get("id").asString());
                  pingPaths[n] = URI.create(m.get("ping_url").asString()).getPath();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                } finally {
                  slots.release();
                }
                return null;
              });
        }
      }
      System.out.printf(
          "%,d monitors created in %.1f s%n", monitors, (System.nanoTime() - t0) / 1e9);

      // Steady: every monitor pings once a minute, spread evenly; the silent ones (every
      // monitors/silent-th) only in the first minute.
      int every = Math.max(1, monitors / Math.max(1, silent));
      List<Double> answers = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicLong pinged = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      CpuMeter cpu = new CpuMeter(pg.postmasterPid());
      CpuMeter.Sample cpuBefore = cpu.sample();
      long start = System.nanoTime();
      long slotNanos = Duration.ofMinutes(1).toNanos() / monitors;
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        Semaphore inFlight = new Semaphore(256);
        for (int round = 0; round < minutes; round++) {
          for (int i = 0; i < monitors; i++) {
            if (round > 0 && i % every == 0) {
              continue; // silent from now on
            }
            long at = start + (long) round * Duration.ofMinutes(1).toNanos() + i * slotNanos;
            long wait = at - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(Duration.ofNanos(wait));
            }
            String path = pingPaths[i];
            inFlight.acquire();
            pool.submit(
                () -> {
                  try {
                    long s = System.nanoTime();
                    int status = ping(base, path);
                    answers.add((System.nanoTime() - s) / 1e6);
                    if (status == 200) {
                      pinged.incrementAndGet();
                    } else {
                      refused.incrementAndGet();
                    }
                  } finally {
                    inFlight.release();
                  }
                  return null;
                });
          }
        }
      }
      double steadySeconds = (System.nanoTime() - start) / 1e9;
      CpuMeter.Usage steadyCpu = CpuMeter.between(cpuBefore, cpu.sample());
      System.out.printf(
          "steady: %,d pings taken (%,d not) in %.1f s = %.0f pings/s; answer %s%n",
          pinged.get(),
          refused.get(),
          steadySeconds,
          pinged.get() / steadySeconds,
          Stats.Percentiles.of(answers.stream().mapToDouble(Double::doubleValue).toArray()));
      System.out.println("steady " + steadyCpu);

      // The silent ones: down at last ping + 2 min, then alerted.
      JdbcClient jdbc = server.context().getBean(JdbcClient.class);
      int expectedDown = (monitors + every - 1) / every;
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (System.nanoTime() < deadline
          && jdbc.sql("SELECT count(*) FROM monitors WHERE state = 'down'")
                  .query(Long.class)
                  .single()
              < expectedDown) {
        Thread.sleep(500);
      }
      Thread.sleep(10_000); // the alerts' group wait and delivery
      Map<UUID, Instant> deadlineOf = new HashMap<>();
      List<Double> downLate = new ArrayList<>();
      jdbc.sql(
              """
              SELECT m.id, m.due_at + make_interval(secs => m.grace_s) AS deadline, e.at
              FROM monitors m JOIN monitor_events e ON e.monitor_id = m.id AND e.to_state = 'down'
              """)
          .query(
              rs -> {
                Instant d = rs.getObject(2, OffsetDateTime.class).toInstant();
                deadlineOf.put(rs.getObject(1, UUID.class), d);
                downLate.add(
                    (double)
                        Duration.between(d, rs.getObject(3, OffsetDateTime.class).toInstant())
                            .toMillis());
              });
      Map<UUID, UUID> subjectOf = new HashMap<>();
      jdbc.sql("SELECT id, subject_id FROM alert_incidents WHERE subject_kind = 'monitor'")
          .query(
              rs -> {
                subjectOf.put(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class));
              });
      Map<UUID, Instant> alertedAt = new ConcurrentHashMap<>();
      for (Received r : received) {
        for (JsonNode incident : r.body().path("incidents")) {
          UUID subject = subjectOf.get(UUID.fromString(incident.path("id").asString()));
          if (subject != null) {
            alertedAt.merge(subject, r.at(), (a, b) -> a.isBefore(b) ? a : b);
          }
        }
      }
      List<Double> alertLate = new ArrayList<>();
      alertedAt.forEach(
          (subject, at) -> {
            Instant d = deadlineOf.get(subject);
            if (d != null) {
              alertLate.add((double) Duration.between(d, at).toMillis());
            }
          });
      System.out.printf(
          "silent monitors: %d expected down, %d down; due+grace -> down: %s%n",
          expectedDown,
          downLate.size(),
          Stats.Percentiles.of(downLate.stream().mapToDouble(Double::doubleValue).toArray()));
      System.out.printf(
          "due+grace -> down alert at the webhook (%d alerted, %d messages): %s%n",
          alertLate.size(),
          received.size(),
          Stats.Percentiles.of(alertLate.stream().mapToDouble(Double::doubleValue).toArray()));

      received.stream()
          .findFirst()
          .ifPresent(
              r -> System.out.println("first alert: " + r.body().path("headline").asString()));

      // Most pings per second: 64 pingers, as fast as answers come, for 15 s, over the monitors
      // that still ping (each token a few times a minute, under its rate limit).
      List<String> live = new ArrayList<>();
      for (int i = 0; i < monitors; i++) {
        if (i % every != 0) {
          live.add(pingPaths[i]);
        }
      }
      AtomicLong burst = new AtomicLong();
      AtomicLong next = new AtomicLong();
      List<Double> burstAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
      CpuMeter.Sample burstBefore = cpu.sample();
      long burstEnd = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      long burstStart = System.nanoTime();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 64; w++) {
          pool.submit(
              () -> {
                while (System.nanoTime() < burstEnd) {
                  String path = live.get((int) (next.getAndIncrement() % live.size()));
                  long s = System.nanoTime();
                  if (ping(base, path) == 200) {
                    burst.incrementAndGet();
                    burstAnswers.add((System.nanoTime() - s) / 1e6);
                  }
                }
                return null;
              });
        }
      }
      double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
      System.out.printf(
          "burst: %,d pings in %.1f s = %.0f pings/s; answer %s%n",
          burst.get(),
          burstSeconds,
          burst.get() / burstSeconds,
          Stats.Percentiles.of(burstAnswers.stream().mapToDouble(Double::doubleValue).toArray()));
      System.out.println("burst " + CpuMeter.between(burstBefore, cpu.sample()));
    } finally {
      hooks.stop(0);
    }
  }

  private static int ping(URI base, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(base.resolve(path)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String send(
      URI base, String key, String method, String path, String json, int want) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != want) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
