package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
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
 * Heartbeat monitors on one node, driven through the public API as their users would: {@code
 * monitors} monitors every minute with a minute of grace, made through {@code /api/v1/monitors},
 * each pinged once a minute (spread evenly over the minute); every {@code monitors/silent}-th stops
 * after its first ping. A webhook alert channel on a local sink receives the down alerts.
 */
final class HeartbeatLoad implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

  private record Received(Instant at, JsonNode body) {}

  /** The steady phase: pings taken and refused, their rate and answer times. */
  record Steady(long taken, long refused, double seconds, Stats.Percentiles answers) {
    double rate() {
      return taken / seconds;
    }
  }

  /**
   * The silent monitors: how late each was marked down, and alerted (in any message, and in the
   * first message: the rule's group wait; later downs wait for its group window), after due +
   * grace.
   */
  record Silence(
      int expected,
      Stats.Percentiles downLate,
      Stats.Percentiles alertLate,
      Stats.Percentiles firstMessageLate,
      int messages) {}

  private final BenchServer server;
  private final int monitors;
  private final int every;
  private final HttpServer hooks;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private String[] pingPaths;

  HeartbeatLoad(BenchServer server, int monitors, int silent) throws Exception {
    this.server = server;
    this.monitors = monitors;
    this.every = Math.max(1, monitors / Math.max(1, silent));
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
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
  }

  /**
   * Raises the tier's cap, adds the alert channel, sets the organization's alert group window when
   * {@code groupWindowSeconds} is not negative (the default rule's is 60 s), and creates the
   * monitors, 8 at a time.
   */
  double create(int groupWindowSeconds) throws Exception {
    var caps = server.context().getBean(eu.runlater.organizations.Caps.class);
    var pro = caps.of(eu.runlater.organizations.Tier.PRO);
    caps.override(
        eu.runlater.organizations.Tier.PRO,
        new eu.runlater.organizations.CapsProperties.TierCaps(
            pro.waitingMessages(),
            pro.storedBytes(),
            pro.organizationsPerUser(),
            pro.invitesPerDay(),
            pro.invitesPerRecipientPerDay(),
            pro.monitors() + monitors + 10,
            pro.minCheckInterval(),
            pro.statusPages()));
    String hookUrl = "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook";
    send(
        "POST",
        "/api/v1/alert-channels",
        "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\"" + hookUrl + "\"}}",
        201);
    if (groupWindowSeconds >= 0) {
      send(
          "PUT",
          "/api/v1/alert-rules/default",
          "{\"trigger\": \"first_failure\","
              + " \"group_window_seconds\": "
              + groupWindowSeconds
              + "}",
          200);
    }
    long t0 = System.nanoTime();
    pingPaths = new String[monitors];
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore slots = new Semaphore(8);
      for (int i = 0; i < monitors; i++) {
        int n = i;
        slots.acquire();
        pool.submit(
            () -> {
              try {
                JsonNode m =
                    JSON.readTree(
                        send(
                            "POST",
                            "/api/v1/monitors",
                            "{\"name\": \"hb-%05d\", \"period\": \"1m\", \"grace\": \"1m\"}"
                                .formatted(n),
                            201));
                pingPaths[n] = URI.create(m.get("ping_url").asString()).getPath();
              } finally {
                slots.release();
              }
              return null;
            });
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Every monitor pings once a minute, spread evenly; the silent ones only in the first minute. */
  Steady steady(int minutes) throws InterruptedException {
    List<Double> answers = Collections.synchronizedList(new ArrayList<>());
    AtomicLong taken = new AtomicLong();
    AtomicLong refused = new AtomicLong();
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
                  int status = ping(path);
                  answers.add((System.nanoTime() - s) / 1e6);
                  (status == 200 ? taken : refused).incrementAndGet();
                } finally {
                  inFlight.release();
                }
                return null;
              });
        }
      }
    }
    return new Steady(
        taken.get(),
        refused.get(),
        (System.nanoTime() - start) / 1e9,
        Stats.Percentiles.of(answers.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  /**
   * Waits (up to 4 minutes) for every silent monitor (every {@code monitors/silent}-th) to be down
   * and up to 90 s more until messages have covered all their incidents; then measures both from
   * each monitor's due time plus grace.
   */
  Silence silence() throws InterruptedException {
    JdbcClient jdbc = server.context().getBean(JdbcClient.class);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < monitors; i += every) {
      names.add("hb-%05d".formatted(i));
    }
    int expected = names.size();
    String[] silentNames = names.toArray(String[]::new);
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline
        && jdbc.sql("SELECT count(*) FROM monitors WHERE name = ANY(:names) AND state = 'down'")
                .param("names", silentNames)
                .query(Long.class)
                .single()
            < expected) {
      Thread.sleep(500);
    }
    // Then until a message has covered each of their incidents (the rule's 60 s group window
    // holds back the downs after the first message), and 3 s for its delivery.
    long alertDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < alertDeadline
        && jdbc.sql(
                    """
                    SELECT count(DISTINCT x) FROM alert_notifications n, unnest(n.incident_ids) x
                    JOIN alert_incidents i ON i.id = x
                    JOIN monitors m ON m.id = i.subject_id AND m.name = ANY(:names)
                    """)
                .param("names", silentNames)
                .query(Long.class)
                .single()
            < expected) {
      Thread.sleep(500);
    }
    Thread.sleep(3_000);
    Map<UUID, Instant> deadlineOf = new HashMap<>();
    List<Double> downLate = new ArrayList<>();
    jdbc.sql(
            """
            SELECT m.id, m.due_at + make_interval(secs => m.grace_s) AS deadline, e.at
            FROM monitors m JOIN monitor_events e ON e.monitor_id = m.id AND e.to_state = 'down'
            WHERE m.name = ANY(:names)
            """)
        .param("names", silentNames)
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
    // A message lists at most 100 incidents; the notification log has all of them.
    Map<UUID, Instant> alertedAt = new ConcurrentHashMap<>();
    Instant firstMessage = received.stream().map(Received::at).min(Instant::compareTo).orElse(null);
    List<Double> firstLate = new ArrayList<>();
    for (Received r : received) {
      UUID notification = UUID.fromString(r.body().path("id").asString());
      List<UUID> incidents =
          jdbc.sql("SELECT unnest(incident_ids) FROM alert_notifications WHERE id = :id")
              .param("id", notification)
              .query(UUID.class)
              .list();
      for (UUID incident : incidents) {
        UUID subject = subjectOf.get(incident);
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
            double late = Duration.between(d, at).toMillis();
            alertLate.add(late);
            if (at.equals(firstMessage)) {
              firstLate.add(late);
            }
          }
        });
    return new Silence(
        expected,
        Stats.Percentiles.of(downLate.stream().mapToDouble(Double::doubleValue).toArray()),
        Stats.Percentiles.of(alertLate.stream().mapToDouble(Double::doubleValue).toArray()),
        Stats.Percentiles.of(firstLate.stream().mapToDouble(Double::doubleValue).toArray()),
        received.size());
  }

  /**
   * The most pings per second: 64 pingers, as fast as answers come, for 15 s, over the monitors
   * that still ping (each token a few times a minute, under its rate limit).
   */
  Steady burst() {
    List<String> live = new ArrayList<>();
    for (int i = 0; i < monitors; i++) {
      if (i % every != 0) {
        live.add(pingPaths[i]);
      }
    }
    AtomicLong taken = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong next = new AtomicLong();
    List<Double> answers = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(15).toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < 64; w++) {
        pool.submit(
            () -> {
              while (System.nanoTime() < end) {
                String path = live.get((int) (next.getAndIncrement() % live.size()));
                long s = System.nanoTime();
                if (ping(path) == 200) {
                  taken.incrementAndGet();
                  answers.add((System.nanoTime() - s) / 1e6);
                } else {
                  refused.incrementAndGet();
                }
              }
              return null;
            });
      }
    }
    return new Steady(
        taken.get(),
        refused.get(),
        (System.nanoTime() - start) / 1e9,
        Stats.Percentiles.of(answers.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  @Override
  public void close() {
    hooks.stop(0);
  }

  private int ping(String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(server.base().resolve(path)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private String send(String method, String path, String json, int want) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(server.base().resolve(path))
                .header("Authorization", "Bearer " + server.apiKey())
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
