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
