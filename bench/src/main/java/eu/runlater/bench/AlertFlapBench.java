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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What alerts cost the engine, on the real server started in this JVM (engine at the server's
 * defaults) with one signed webhook channel pointing at a local receiver (the storm of failures at
 * one second is {@link AlertBench}):
 *
 * <ul>
 *   <li><b>flap</b>: a backlog of {@code backlog} deliveries drained while 100 cron jobs run every
 *       second against a target that either always succeeds (baseline) or fails every other second
 *       (flapping: each job opens and closes an incident every two seconds, through the outcome
 *       hook, the outbox and the dispatcher). The ratio of the two drain rates is what the alert
 *       path costs the engine; the target is at least 0.95.
 * </ul>
 */
final class AlertFlapBench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int CREATORS = 8;

  private final BenchPostgres pg;
  private final Sink sink;
  private final Path dataDir;

  AlertFlapBench(BenchPostgres pg, Sink sink, Path dataDir) {
    this.pg = pg;
    this.sink = sink;
    this.dataDir = dataDir;
  }

  /**
   * One pair of drains.
   *
   * @param incidentsOpened incidents the flapping jobs opened during the flapping drain
   * @param incidentsClosed incidents they closed (recovered) during it
   * @param flapFailures their failed runs during it
   */
  record Flap(
      double baselinePerSecond,
      double flappingPerSecond,
      long notifications,
      long incidentsOpened,
      long incidentsClosed,
      long flapFailures) {
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

  /**
   * Drains of {@code backlog} deliveries without and with 100 flapping jobs, in turns (ABBA: the
   * first pair starts with the baseline, the next with the flapping drain, so warming up favours
   * neither), after one unreported drain of each.
   */
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
      UUID org = s.server().organizationId();
      // Warm up: one drain of each kind, not reported.
      s.targets().flapping.set(false);
      drain(tasks, pool, org, backlog);
      s.targets().flapping.set(true);
      drain(tasks, pool, org, backlog);
      List<Flap> out = new ArrayList<>();
      try (Connection c = pg.connect(s.server().database())) {
        for (int run = 0; run < runs; run++) {
          double baseline = 0;
          double flapping = 0;
          long notifications = 0;
          long[] churn = new long[3];
          for (boolean flap :
              run % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
            s.targets().flapping.set(flap);
            // Let open incidents recover (baseline) or the flapping settle in.
            Thread.sleep(5_000);
            int before = s.targets().alerts.size();
            Instant from = Instant.now();
            double rate = drain(tasks, pool, org, backlog);
            Instant to = Instant.now();
            if (flap) {
              flapping = rate;
              notifications = s.targets().alerts.size() - before;
              churn = churn(c, from, to);
            } else {
              baseline = rate;
            }
          }
          System.out.printf(
              "flap run %d: baseline %,.0f/s, flapping %,.0f/s (%.3f); during the flapping drain:"
                  + " %d runs failed, %d incidents opened, %d closed, %d alert messages%n",
              run + 1,
              baseline,
              flapping,
              flapping / baseline,
              churn[2],
              churn[0],
              churn[1],
              notifications);
          out.add(new Flap(baseline, flapping, notifications, churn[0], churn[1], churn[2]));
        }
      }
      s.targets().flapping.set(false);
      return out;
    }
  }

  /** Incidents opened and closed, and failed job runs, between {@code from} and {@code to}. */
  private static long[] churn(Connection c, Instant from, Instant to) throws Exception {
    long[] out = new long[3];
    String[] sql = {
      "SELECT count(*) FROM alert_incidents WHERE opened_at >= ? AND opened_at < ?",
      "SELECT count(*) FROM alert_incidents WHERE closed_at >= ? AND closed_at < ?",
      "SELECT count(*) FROM executions WHERE source_kind = 'job' AND status <> 'success'"
          + " AND created_at >= ? AND created_at < ?"
    };
    for (int i = 0; i < sql.length; i++) {
      try (PreparedStatement st = c.prepareStatement(sql[i])) {
        st.setObject(1, from.atOffset(java.time.ZoneOffset.UTC));
        st.setObject(2, to.atOffset(java.time.ZoneOffset.UTC));
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          out[i] = rs.getLong(1);
        }
      }
    }
    return out;
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
