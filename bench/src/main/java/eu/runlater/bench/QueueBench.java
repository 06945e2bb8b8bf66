package eu.runlater.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Queues through the public API, on the real server started in this JVM (engine at the server's
 * defaults: 100 workers, a pool of 20 connections) with an organization on the Pro tier:
 *
 * <ul>
 *   <li><b>push</b>: {@code concurrency} virtual threads each POSTing one message at a time to a
 *       paused queue ({@code POST /api/v1/queues/{name}/messages}); a 201 means the message is
 *       committed. The queue is paused so that only the push is measured.
 *   <li><b>bulk</b>: a few threads POSTing batches of 1,000 ({@code POST /api/v1/messages/batch})
 *       to a paused queue.
 *   <li><b>end to end</b>: {@code n} messages pushed in batches to a paused queue with parallelism
 *       100, then the queue resumed: deliveries per second from the resume to the last one the sink
 *       answered, every message's release, claim, HTTP delivery, outcome and next release included.
 *   <li><b>delayed lateness</b>: messages pushed with {@code "delay": "1s"} at a fixed rate (half
 *       the end-to-end rate just measured) into a queue with room to spare; lateness is an
 *       attempt's start minus the message's not_before, read from the execution history.
 * </ul>
 */
final class QueueBench {
  private static final int BATCH = 1_000;
  private static final int BULK_THREADS = 4;
  private static final String BODY = new String(Payload.BODY, StandardCharsets.UTF_8);

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final Path dataDir;
  private final int concurrency;

  QueueBench(BenchPostgres pg, Sink sink, CpuMeter cpu, Path dataDir, int concurrency) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.dataDir = dataDir;
    this.concurrency = concurrency;
  }

  /** A rate of accepted requests or messages, and the latency of the requests. */
  record Rate(double perSecond, Stats.Percentiles latency, long errors, CpuMeter.Usage cpu)
      implements Measured {}

  /** A drain through one queue. */
  record Drain(double perSecond, long delivered, long sinkRequests, CpuMeter.Usage cpu)
      implements Measured {
    long duplicates() {
      return sinkRequests - delivered;
    }
  }

  /** Lateness of delayed messages at an offered rate. */
  record Lateness(double offered, Stats.Percentiles lateness, long missing, CpuMeter.Usage cpu)
      implements Measured {}

  /** One server for the phases of a run; its client speaks HTTP/1.1 like most callers do. */
  final class Session implements AutoCloseable {
    final BenchServer server;
    final String key;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final Connection monitor;
    final byte[] message;

    Session(String name) throws Exception {
      server = BenchServer.start(pg, dataDir, name, "--runlater.quotas.enforce=false");
      key = server.apiKey();
      monitor = pg.connect(server.database());
      message =
          """
          {"url":"%s","body":%s}"""
              .formatted(sink.uri(), BODY)
              .getBytes(StandardCharsets.UTF_8);
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(server.base().resolve(path))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json");
    }

    int send(HttpRequest request) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        return -1;
      }
    }

    void queue(String name, String settings) {
      int status =
          send(
              request("/api/v1/queues/" + name)
                  .PUT(HttpRequest.BodyPublishers.ofString(settings))
                  .build());
      if (status != 200 && status != 201) {
        throw new IllegalStateException("PUT /api/v1/queues/" + name + " answered " + status);
      }
    }

    /** A batch request of {@code size} messages to {@code queue}. */
    HttpRequest batch(String queue, int size) {
      String item =
          """
          {"queue":"%s","url":"%s","body":%s}"""
              .formatted(queue, sink.uri(), BODY);
      StringBuilder body = new StringBuilder(size * (item.length() + 1) + 20);
      body.append("{\"messages\":[");
      for (int i = 0; i < size; i++) {
        body.append(i == 0 ? "" : ",").append(item);
      }
      body.append("]}");
      return request("/api/v1/messages/batch")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
          .build();
    }

    @Override
    public void close() throws Exception {
      client.close();
      monitor.close();
      server.close();
    }
  }

  Session session(String name) throws Exception {
    return new Session(name);
  }

  /** Single pushes by {@code concurrency} threads to a paused queue. */
  Rate push(Session s, Duration warmup, Duration measure, Path jfr) throws Exception {
    s.queue("push", "{\"paused\": true}");
    HttpRequest request =
        s.request("/api/v1/queues/push/messages")
            .POST(HttpRequest.BodyPublishers.ofByteArray(s.message))
            .build();
    return drive(concurrency, warmup, measure, jfr, () -> s.send(request) == 201 ? 1 : -1);
  }

  /**
   * One-time jobs created by {@code concurrency} threads, one request each ({@code POST
   * /api/v1/jobs}, due in 30 days so the engine stays idle); a 201 means the job and its task are
   * committed.
   */
  Rate create(Session s, Duration warmup, Duration measure) throws Exception {
    HttpRequest request =
        s.request("/api/v1/jobs")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    """
                    {"name":"b","url":"%s","schedule":{"type":"once","delay":"720h"}}"""
                        .formatted(sink.uri())))
            .build();
    return drive(concurrency, warmup, measure, null, () -> s.send(request) == 201 ? 1 : -1);
  }

  /**
   * The ceiling the HTTP stack sets on this machine: the same threads calling {@code GET /health}
   * (Tomcat, the Spring filter chain and one database round trip, no transaction, no write).
   */
  Rate ceiling(Session s, Duration warmup, Duration measure) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(s.server.base().resolve("/health"))
            .timeout(Duration.ofSeconds(60))
            .GET()
            .build();
    return drive(concurrency, warmup, measure, null, () -> s.send(request) == 200 ? 1 : -1);
  }

  /** Batches of 1,000 by {@value #BULK_THREADS} threads to a paused queue; messages per second. */
  Rate bulk(Session s, Duration warmup, Duration measure) throws Exception {
    s.queue("bulk", "{\"paused\": true}");
    HttpRequest request = s.batch("bulk", BATCH);
    return drive(
        BULK_THREADS,
        warmup,
        measure,
        null,
        () -> {
          int status = s.send(request);
          return status == 201 ? BATCH : -1;
        });
  }

  /** {@code n} messages through one queue with parallelism 100. */
  Drain endToEnd(Session s, int n, Path jfr) throws Exception {
    s.queue("e2e", "{\"parallelism\": 100, \"paused\": true}");
    HttpRequest batch = s.batch("e2e", BATCH);
    for (int pushed = 0; pushed < n; pushed += BATCH) {
      int status = s.send(batch);
      if (status != 201) {
        throw new IllegalStateException("POST /api/v1/messages/batch answered " + status);
      }
    }
    long sinkStart = sink.count();
    pg.resetStatements(s.monitor);
    jdk.jfr.Recording recording = jfr == null ? null : RunlaterBench.startRecording(jfr);
    CpuMeter.Sample before = cpu.sample();
    long start = System.nanoTime();
    s.queue("e2e", "{\"parallelism\": 100, \"paused\": false}");
    long target = sinkStart + (long) n / BATCH * BATCH;
    long deadline = start + Duration.ofMinutes(10).toNanos();
    while (sink.count() < target && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    CpuMeter.Sample after = cpu.sample();
    if (recording != null) {
      recording.stop();
      recording.close();
      System.out.println("  JFR recording written to " + jfr);
    }
    long delivered = awaitDelivered(s.monitor, "e2e", (long) n / BATCH * BATCH);
    pg.printStatements(s.monitor, s.server.database());
    return new Drain(
        delivered / seconds, delivered, sink.count() - sinkStart, CpuMeter.between(before, after));
  }

  /** How often the delayed phase sends a batch. */
  private static final Duration TICK = Duration.ofMillis(50);

  /**
   * Pushes messages with a one-second delay at {@code rate} per second for {@code feed}, as a batch
   * every {@link #TICK} (open loop: batch k goes at start + k × tick, whatever the answers'
   * latency), so the push costs little next to the deliveries whose lateness is measured: single
   * HTTP pushes could not reach half the delivery rate on this machine.
   */
  Lateness delayed(Session s, double rate, Duration feed, Duration warmup) throws Exception {
    s.queue("delayed", "{\"parallelism\": 1000}");
    int perTick = Math.max(1, (int) Math.round(rate * TICK.toNanos() / 1e9));
    String item =
        """
        {"queue":"delayed","url":"%s","body":%s,"delay":"1s"}"""
            .formatted(sink.uri(), BODY);
    StringBuilder body = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < perTick; i++) {
      body.append(i == 0 ? "" : ",").append(item);
    }
    HttpRequest request =
        s.request("/api/v1/messages/batch")
            .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString()))
            .build();
    pg.resetStatements(s.monitor);
    OpenLoop.Window w =
        OpenLoop.run(1e9 / TICK.toNanos(), warmup, feed, cpu, () -> s.send(request) == 201);
    if (w.refused() > 0) {
      System.out.println("  WARNING: " + w.refused() + " delayed batches were not accepted");
    }
    long expected = (w.calls() - w.refused()) * perTick;
    Instant from = w.start().plusSeconds(1);
    long got = awaitAttempts(s.monitor, "delayed", from, expected);
    pg.printStatements(s.monitor, s.server.database());
    double[] lateness =
        doubles(
            s.monitor,
            """
            SELECT extract(epoch FROM e.started_at - e.scheduled_for) * 1000
            FROM executions e JOIN messages m ON m.id = e.source_id
            JOIN queues q ON q.id = m.queue_id
            WHERE q.name = 'delayed' AND e.source_kind = 'message' AND e.scheduled_for >= ?
              AND e.started_at IS NOT NULL
            """,
            from);
    return new Lateness(
        w.offered() * perTick, Stats.Percentiles.of(lateness), expected - got, w.cpu());
  }

  @FunctionalInterface
  interface Call {
    /** Items accepted by one call, or a negative number when it failed. */
    int call();
  }

  /** With {@code jfr}, the measured window is recorded there. */
  Rate drive(int threads, Duration warmup, Duration measure, Path jfr, Call call) throws Exception {
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    LongAdder accepted = new LongAdder();
    LongAdder errors = new LongAdder();
    List<double[]> latencies = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int slot = i;
      latencies.add(new double[0]);
      workers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    double[] mine = new double[50_000];
                    int n = 0;
                    long start;
                    while ((start = System.nanoTime()) < end) {
                      int items = call.call();
                      if (start < measureFrom) {
                        continue;
                      }
                      if (items < 0) {
                        errors.increment();
                        continue;
                      }
                      accepted.add(items);
                      if (n < mine.length) {
                        mine[n++] = (System.nanoTime() - start) / 1e6;
                      }
                    }
                    latencies.set(slot, Arrays.copyOf(mine, n));
                  }));
    }
    Thread.sleep(warmup);
    jdk.jfr.Recording recording = jfr == null ? null : RunlaterBench.startRecording(jfr);
    CpuMeter.Sample before = cpu.sample();
    for (Thread t : workers) {
      t.join();
    }
    CpuMeter.Sample after = cpu.sample();
    if (recording != null) {
      recording.stop();
      recording.close();
      System.out.println("  JFR recording written to " + jfr);
    }
    if (errors.sum() > 0) {
      System.out.println("  WARNING: " + errors.sum() + " calls failed");
    }
    double[] all = latencies.stream().flatMapToDouble(Arrays::stream).toArray();
    return new Rate(
        accepted.sum() / (measure.toNanos() / 1e9),
        Stats.Percentiles.of(all),
        errors.sum(),
        CpuMeter.between(before, after));
  }

  /** Waits (up to a minute) until {@code n} messages of the queue are delivered; how many are. */
  private static long awaitDelivered(Connection c, String queue, long n)
      throws SQLException, InterruptedException {
    String sql =
        "SELECT count(*) FROM messages m JOIN queues q ON q.id = m.queue_id"
            + " WHERE q.name = ? AND m.state = 'delivered'";
    return awaitCount(c, sql, n, ps -> ps.setString(1, queue));
  }

  private static long awaitAttempts(Connection c, String queue, Instant from, long n)
      throws SQLException, InterruptedException {
    String sql =
        "SELECT count(*) FROM executions e JOIN messages m ON m.id = e.source_id"
            + " JOIN queues q ON q.id = m.queue_id WHERE q.name = ? AND e.source_kind = 'message'"
            + " AND e.scheduled_for >= ?";
    return awaitCount(
        c,
        sql,
        n,
        ps -> {
          ps.setString(1, queue);
          ps.setObject(2, at(from));
        });
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** Waits (up to a minute) until {@code sql} counts {@code n} rows; the count it reached. */
  static long awaitCount(Connection c, String sql, long n, Binder binder)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    long count;
    do {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      if (count >= n) {
        return count;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    System.out.printf("  WARNING: %,d of %,d expected rows after a minute%n", count, n);
    return count;
  }

  /** An instant as the JDBC driver binds a timestamptz. */
  static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static double[] doubles(Connection c, String sql, Instant from) throws SQLException {
    List<Double> values = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, at(from));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getDouble(1));
        }
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
