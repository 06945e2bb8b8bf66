package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import eu.runlater.engine.Backoff;
import eu.runlater.engine.Header;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.Tasks;
import eu.runlater.jobs.BenchJobs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts under load, on the real server started in this JVM (engine at the server's defaults) with
 * one signed webhook channel pointing at a local receiver:
 *
 * <ul>
 *   <li><b>storm</b>: {@code jobs} cron jobs, all due at the same second, all answered 500 with no
 *       retry. From each job's failure ({@code executions.finished_at} of its final attempt) to the
 *       receipt of the first message naming it: p50/p99; and how many messages the channel got —
 *       the issue asks for at most one grouped message within 5 s of the failures, the rest in one
 *       follow-up after the group window.
 *   <li><b>flap</b>: a backlog of {@code backlog} deliveries drained while 100 cron jobs run every
 *       second against a target that either always succeeds (baseline) or fails every other second
 *       (flapping: each job opens and closes an incident every two seconds, through the outcome
 *       hook, the outbox and the dispatcher). The ratio of the two drain rates is what the alert
 *       path costs the engine; the target is at least 0.95.
 * </ul>
 */
final class AlertBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int CREATORS = 8;

  private final BenchPostgres pg;
  private final Sink sink;
  private final Path dataDir;

  AlertBench(BenchPostgres pg, Sink sink, Path dataDir) {
    this.pg = pg;
    this.sink = sink;
    this.dataDir = dataDir;
  }

  /** One storm. */
  record Storm(
      int jobs,
      long failed,
      int alerted,
      int messages,
      int messagesWithin5s,
      double firstMessageAfterFirstFailureMs,
      Stats.Percentiles latency) {}

  /** One pair of drains. */
  record Flap(double baselinePerSecond, double flappingPerSecond, long notifications) {
    double ratio() {
      return flappingPerSecond / baselinePerSecond;
    }
  }

  /** What the receiver got: each message's arrival and body. */
  record Received(Instant at, JsonNode body) {}

  /** A local HTTP server: the alert receiver, a failing target and a flapping one. */
  static final class Targets implements AutoCloseable {
    final HttpServer server;
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final ConcurrentLinkedQueue<Received> alerts = new ConcurrentLinkedQueue<>();
    final AtomicBoolean flapping = new AtomicBoolean();
    final LongAdder flapRequests = new LongAdder();

    Targets() throws Exception {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
      server.createContext(
          "/alerts",
          exchange -> {
            try (exchange) {
              byte[] body = exchange.getRequestBody().readAllBytes();
              alerts.add(new Received(Instant.now(), JSON.readTree(body)));
              exchange.sendResponseHeaders(204, -1);
            }
          });
      server.createContext(
          "/fail",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().readAllBytes();
              exchange.sendResponseHeaders(500, -1);
            }
          });
      server.createContext(
          "/flap",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().readAllBytes();
              flapRequests.increment();
              boolean fail = flapping.get() && Instant.now().getEpochSecond() % 2 == 1;
              exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            }
          });
      server.setExecutor(executor);
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** A server with a webhook channel to the receiver. */
  private record Session(BenchServer server, Targets targets, String key, HttpClient client)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      server.close();
      targets.close();
    }
  }

  private Session session(String name) throws Exception {
    BenchServer server = BenchServer.start(pg, dataDir, name);
    Targets targets = new Targets();
    String key = server.apiKey();
    HttpClient client = HttpClient.newHttpClient();
    String channel =
        """
        {"name":"bench receiver","kind":"webhook","settings":{"url":"%s"}}"""
            .formatted(targets.url("/alerts"));
    HttpResponse<String> created =
        client.send(
            HttpRequest.newBuilder(server.base().resolve("/api/v1/alert-channels"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(channel))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      server.close();
      targets.close();
      throw new IllegalStateException(
          "creating the channel: " + created.statusCode() + " " + created.body());
    }
    return new Session(server, targets, key, client);
  }

  Storm storm(int jobs) throws Exception {
    try (Session s = session("alert_storm")) {
      BenchJobs create = new BenchJobs(s.server().context());
      // Every job due at one second far enough ahead for all of them to be created first.
      ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(20 + jobs / 100).withNano(0);
      String expression = "%d %d %d * * *".formatted(at.getSecond(), at.getMinute(), at.getHour());
      ExecutorService creators = Executors.newFixedThreadPool(CREATORS);
      List<Future<UUID>> ids = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        int n = i;
        ids.add(
            creators.submit(
                () ->
                    create.createCron(
                        s.server().organizationId(),
                        "storm-" + n,
                        null,
                        s.targets().url("/fail"),
                        null,
                        expression,
                        "UTC",
                        0)));
      }
      for (Future<UUID> f : ids) {
        f.get();
      }
      creators.shutdown();
      if (Instant.now().isAfter(at.toInstant())) {
        throw new IllegalStateException("creating the jobs took past their second: raise the lead");
      }
      System.out.printf("%,d jobs due at %s%n", jobs, at.toInstant());

      Map<UUID, Instant> failedAt = new HashMap<>();
      Instant deadline = at.toInstant().plusSeconds(120);
      try (Connection c = pg.connect(s.server().database())) {
        // Wait until every job failed and every one of them was named in a message.
        while (Instant.now().isBefore(deadline)) {
          failedAt = failures(c, at.toInstant());
          if (failedAt.size() >= jobs
              && alerted(s.targets()).keySet().containsAll(failedAt.keySet())) {
            break;
          }
          Thread.sleep(250);
        }
      }
      Map<UUID, Instant> alertedAt = alerted(s.targets());
      Instant firstFailure = failedAt.values().stream().min(Instant::compareTo).orElseThrow();
      List<Double> latencies = new ArrayList<>();
      for (var e : failedAt.entrySet()) {
        Instant got = alertedAt.get(e.getKey());
        if (got != null) {
          latencies.add(Duration.between(e.getValue(), got).toNanos() / 1e6);
        }
      }
      List<Received> messages = new ArrayList<>(s.targets().alerts);
      Instant first = messages.stream().map(Received::at).min(Instant::compareTo).orElseThrow();
      int within5s =
          (int) messages.stream().filter(m -> m.at().isBefore(firstFailure.plusSeconds(5))).count();
      return new Storm(
          jobs,
          failedAt.size(),
          alertedAt.size(),
          messages.size(),
          within5s,
          Duration.between(firstFailure, first).toNanos() / 1e6,
          Stats.Percentiles.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()));
    }
  }

  /** Final failures of the jobs' occurrence at {@code at}: job id to its finish. */
  private static Map<UUID, Instant> failures(Connection c, Instant at) throws Exception {
    Map<UUID, Instant> out = new HashMap<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT source_id, finished_at FROM executions WHERE source_kind = 'job' AND final"
                + " AND status <> 'success' AND scheduled_for = ?")) {
      st.setObject(1, at.atOffset(ZoneOffset.UTC));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getObject(1, UUID.class),
              rs.getObject(2, java.time.OffsetDateTime.class).toInstant());
        }
      }
    }
    return out;
  }

  /** Each job named in a message, with the arrival of the first message naming it. */
  private static Map<UUID, Instant> alerted(Targets targets) {
    Map<UUID, Instant> out = new HashMap<>();
    for (Received r : targets.alerts) {
      for (JsonNode incident : r.body().path("incidents")) {
        if (!"opened".equals(incident.path("change").asString())) {
          continue;
        }
        JsonNode subject = incident.path("subject");
        if ("job".equals(subject.path("kind").asString())) {
          out.merge(
              UUID.fromString(subject.path("id").asString()),
              r.at(),
              (a, b) -> a.isBefore(b) ? a : b);
        }
      }
    }
    return out;
  }

  /** Drains of {@code backlog} deliveries without and with 100 flapping jobs, alternately. */
  List<Flap> flap(int backlog, int runs) throws Exception {
    try (Session s = session("alert_flap")) {
      BenchJobs create = new BenchJobs(s.server().context());
      for (int i = 0; i < 100; i++) {
        create.createCron(
            s.server().organizationId(),
            "flap-" + i,
            null,
            s.targets().url("/flap"),
            null,
            "* * * * * *",
            "UTC",
            0);
      }
      Tasks tasks = s.server().context().getBean(Tasks.class);
      DataSource pool = s.server().context().getBean(DataSource.class);
      // Warm up: one small drain, not reported.
      drain(tasks, pool, s.server().organizationId(), Math.min(5_000, backlog));
      List<Flap> out = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        s.targets().flapping.set(false);
        Thread.sleep(5_000); // open incidents recover, the outbox empties
        double baseline = drain(tasks, pool, s.server().organizationId(), backlog);
        s.targets().flapping.set(true);
        Thread.sleep(5_000); // incidents open and close
        int before = s.targets().alerts.size();
        double flapping = drain(tasks, pool, s.server().organizationId(), backlog);
        long notifications = s.targets().alerts.size() - before;
        System.out.printf(
            "flap run %d: baseline %,.0f/s, flapping %,.0f/s (%.3f), %d alert messages%n",
            run + 1, baseline, flapping, flapping / baseline, notifications);
        out.add(new Flap(baseline, flapping, notifications));
      }
      s.targets().flapping.set(false);
      return out;
    }
  }

  /** Inserts {@code n} deliveries to the sink, due now; deliveries per second until all arrived. */
  private double drain(Tasks tasks, DataSource pool, UUID organizationId, int n) throws Exception {
    long start = sink.count();
    Instant now = Instant.now();
    List<NewTask> batch = new ArrayList<>(n);
    byte[] body = Payload.BODY;
    for (int i = 0; i < n; i++) {
      batch.add(
          new NewTask(
              Ids.v7(now),
              organizationId,
              "bench",
              null,
              5,
              now,
              now,
              1,
              new Backoff(1_000, 60_000),
              new TaskRequest(
                  sink.uri().toString(),
                  "POST",
                  List.of(new Header("Content-Type", "application/json")),
                  null,
                  body,
                  false,
                  30_000)));
    }
    long t0 = System.nanoTime();
    Instant earliest;
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      earliest = tasks.insert(c, batch);
      c.commit();
    }
    tasks.committed(earliest);
    while (sink.count() - start < n) {
      Thread.sleep(20);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}
