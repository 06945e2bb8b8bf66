package eu.runlater.bench;

import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Workflows through the public API, on the real server started in this JVM (the queue phase's
 * {@link QueueBench.Session}: engine at the server's defaults, Pro tier, quotas off): a linear
 * workflow of {@value #STEPS} {@code http} steps, each a POST to the sink.
 *
 * <ul>
 *   <li><b>throughput</b>: {@code n} runs of a version whose first step sleeps until one instant,
 *       started over the API before it; from that instant to the last run's success, runs per
 *       second and step deliveries per second: a backlog drain, as the engine's e2e is, with each
 *       step's outcome, the run's advance and the next step's task in between. Beside it, in the
 *       same server, {@code n × 5} messages through one queue with parallelism 100 (the plain
 *       delivery path through the same API and engine).
 *   <li><b>open-loop capacity</b>: what the step-overhead phase offers its load against: {@code n}
 *       runs of the plain version started over the API as fast as {@value #STARTERS} threads go,
 *       from the first start to the last run's end, runs per second. Each run pays its start (the
 *       API, the run's rows, its first advance, the run view answered) as well as its five steps,
 *       which the backlog drain does not.
 *   <li><b>step overhead</b>: runs of the plain version started at a fixed rate (half, and a
 *       quarter, of the open-loop capacity just measured); for each step after the first, its
 *       delivery's start minus the previous step's delivery's end, from the execution history: the
 *       outcome's transaction, the run's advance, the next task's insert, then the hand-off in that
 *       transaction (engine.HandOff) or the wake-up and the claim, and the worker's start; split at
 *       the next task's insert.
 * </ul>
 */
final class WorkflowBench {
  static final int STEPS = 5;

  /** How many threads start runs over the API. */
  private static final int STARTERS = 16;

  private final QueueBench queues;
  private final Sink sink;
  private final CpuMeter cpu;

  WorkflowBench(QueueBench queues, Sink sink, CpuMeter cpu) {
    this.queues = queues;
    this.sink = sink;
    this.cpu = cpu;
  }

  /** Runs drained from one instant: runs and step deliveries per second. */
  record Drain(
      int runs,
      double runsPerSecond,
      double stepsPerSecond,
      long failed,
      long sinkRequests,
      Duration startWindow,
      CpuMeter.Usage cpu)
      implements Measured {
    long duplicates() {
      return sinkRequests - (long) runs * STEPS;
    }
  }

  /** Runs started over the API and run to their end, per second, with all the cores they took. */
  record Capacity(int runs, double runsPerSecond, long failed, CpuMeter.Usage cpu)
      implements Measured {}

  /**
   * The gap between one step's delivery ending and the next one's starting, at a rate of runs; and
   * its two parts: the outcome to the next task's insert ({@code toInsert}), that insert to the
   * next delivery's start ({@code toStart}).
   */
  record Overhead(
      double offeredRunsPerSecond,
      Stats.Percentiles gap,
      Stats.Percentiles toInsert,
      Stats.Percentiles toStart,
      long unfinished,
      CpuMeter.Usage cpu)
      implements Measured {}

  /**
   * The definition: {@value #STEPS} http steps s1 → … → s5, preceded (when {@code until} is given)
   * by a sleep until that instant.
   */
  private String definition(String key, Instant until) {
    StringBuilder steps = new StringBuilder();
    String previous = null;
    if (until != null) {
      steps.append(
          """
          {"name": "start", "kind": "sleep", "until": "%s"},"""
              .formatted(until.truncatedTo(ChronoUnit.SECONDS)));
      previous = "start";
    }
    for (int i = 1; i <= STEPS; i++) {
      steps
          .append(i == 1 ? "" : ",")
          .append(
              """
              {"name": "s%d", "kind": "http", "method": "POST", "url": "%s",
               "body": {"run": "{{ run.id }}", "step": %d}%s}"""
                  .formatted(
                      i,
                      sink.uri(),
                      i,
                      previous == null ? "" : ", \"depends_on\": [\"" + previous + "\"]"));
      previous = "s" + i;
    }
    return """
        {"key": "%s", "name": "Benchmark, %d steps", "steps": [%s]}"""
        .formatted(key, STEPS, steps);
  }

  private static void create(QueueBench.Session s, String json) {
    create(s, json, false);
  }

  /** With {@code again}, a 409 is the same definition made by an earlier attempt: kept. */
  private static void create(QueueBench.Session s, String json, boolean again) {
    int status =
        s.send(
            s.request("/api/v1/workflows").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    if (status != 201 && !(again && status == 409)) {
      throw new IllegalStateException("POST /api/v1/workflows answered " + status);
    }
  }

  private static HttpRequest start(QueueBench.Session s, String key) {
    return s.request("/api/v1/workflows/" + key + "/runs")
        .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {}}"))
        .build();
  }

  /**
   * Starts {@code n} runs that sleep until one instant (far enough ahead for the starts at {@code
   * startsPerSecond}, the rate a first probe saw), then measures their drain from that instant.
   */
  Drain throughput(QueueBench.Session s, int n, String key, Runnable beforeDrain) throws Exception {
    // Probe the start rate with a version that sleeps far ahead, so the probe's runs stay idle.
    Instant far = Instant.now().plus(Duration.ofHours(1));
    create(s, definition(key + "-probe", far));
    long probeFrom = System.nanoTime();
    startAll(s, key + "-probe", 400);
    double startsPerSecond = 400 / ((System.nanoTime() - probeFrom) / 1e9);
    Instant until =
        Instant.now()
            .plusSeconds(5 + (long) Math.ceil(n / (0.5 * startsPerSecond)))
            .truncatedTo(ChronoUnit.SECONDS)
            .plusSeconds(1);
    create(s, definition(key, until));
    long startedFrom = System.nanoTime();
    startAll(s, key, n);
    Duration startWindow = Duration.ofNanos(System.nanoTime() - startedFrom);
    if (Instant.now().isAfter(until)) {
      System.out.printf(
          "  WARNING: starting %,d runs took %s, past the instant they wake at%n", n, startWindow);
    }
    beforeDrain.run();
    long sinkBefore = sink.count();
    long wait = Duration.between(Instant.now(), until).toNanos();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
    CpuMeter.Sample before = cpu.sample();
    long from = System.nanoTime();
    long finished = awaitEnded(s, key, n, "'running'", from);
    double seconds = (System.nanoTime() - from) / 1e9;
    CpuMeter.Sample after = cpu.sample();
    long failed =
        count(
            s.monitor,
            "SELECT count(*) FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id"
                + " WHERE w.key = ? AND r.state <> 'succeeded'",
            key);
    if (finished < n) {
      System.out.printf("  WARNING: %,d of %,d runs finished in 15 minutes%n", finished, n);
    }
    return new Drain(
        n,
        finished / seconds,
        finished * STEPS / seconds,
        failed,
        sink.count() - sinkBefore,
        startWindow,
        CpuMeter.between(before, after));
  }

  /**
   * The open loop's capacity (starts included): {@code n} runs of the plain version started from
   * {@value #STARTERS} threads as fast as the API answers, timed from the first start until every
   * run has ended.
   */
  Capacity capacity(QueueBench.Session s, int n, String key) throws Exception {
    create(s, definition(key, null));
    CpuMeter.Sample before = cpu.sample();
    long from = System.nanoTime();
    startAll(s, key, n);
    long finished = awaitEnded(s, key, n, "'running', 'queued'", from);
    double seconds = (System.nanoTime() - from) / 1e9;
    CpuMeter.Sample after = cpu.sample();
    if (finished < n) {
      System.out.printf("  WARNING: %,d of %,d runs ended in 15 minutes%n", finished, n);
    }
    long failed =
        count(
            s.monitor,
            "SELECT count(*) FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id"
                + " WHERE w.key = ? AND r.state <> 'succeeded'",
            key);
    return new Capacity(n, finished / seconds, failed, CpuMeter.between(before, after));
  }

  /**
   * Polls until {@code n} runs of {@code key} are in none of {@code unended} (SQL literals), or 15
   * minutes from {@code from} (nanoTime) have passed; how many are.
   */
  private static long awaitEnded(QueueBench.Session s, String key, int n, String unended, long from)
      throws Exception {
    String ended =
        "SELECT count(*) FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id"
            + " WHERE w.key = ? AND r.state NOT IN ("
            + unended
            + ")";
    long deadline = from + Duration.ofMinutes(15).toNanos();
    long finished = 0;
    while (System.nanoTime() < deadline) {
      finished = count(s.monitor, ended, key);
      if (finished >= n) {
        break;
      }
      Thread.sleep(20);
    }
    return finished;
  }

  /** Starts {@code n} runs of {@code key} from {@value #STARTERS} threads, failing on a refusal. */
  private static void startAll(QueueBench.Session s, String key, int n) throws Exception {
    HttpRequest request = start(s, key);
    AtomicInteger left = new AtomicInteger(n);
    LongAdder refused = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < STARTERS; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (left.getAndDecrement() > 0) {
                      if (s.send(request) != 201) {
                        refused.increment();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (refused.sum() > 0) {
      throw new IllegalStateException(refused.sum() + " run starts were refused");
    }
  }

  /**
   * Starts runs of the plain version at {@code rate} per second for {@code feed} after {@code
   * warmup} (open loop), then reads the gaps between consecutive steps' deliveries of the runs
   * started in the measured window.
   */
  Overhead overhead(QueueBench.Session s, String key, double rate, Duration feed, Duration warmup)
      throws Exception {
    // Measured again when other processes took CPU meanwhile (DeliveryBench#measured): the
    // definition is the first attempt's.
    create(s, definition(key, null), true);
    HttpRequest request = start(s, key);
    OpenLoop.Window w = OpenLoop.run(rate, warmup, feed, cpu, () -> s.send(request) == 201);
    if (w.refused() > 0) {
      System.out.println("  WARNING: " + w.refused() + " run starts were refused");
    }
    long expected = w.calls() - w.refused();
    long done =
        QueueBench.awaitCount(
            s.monitor,
            "SELECT count(*) FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id"
                + " WHERE w.key = '"
                + key
                + "' AND r.state = 'succeeded' AND r.created_at >= ?",
            expected,
            ps -> ps.setObject(1, QueueBench.at(w.start())));
    String pairs =
        """
        FROM workflow_runs r
        JOIN workflows w ON w.id = r.workflow_id
        JOIN workflow_run_steps a ON a.run_id = r.id
        JOIN workflow_run_steps b
          ON b.run_id = r.id AND b.name = 's' || (substr(a.name, 2)::int + 1)
        JOIN executions ep ON ep.id = a.execution_id
        JOIN executions en ON en.id = b.execution_id
        WHERE w.key = '%s' AND r.created_at >= ? AND a.name <> 's%d'
        """
            .formatted(key, STEPS);
    double[] gaps =
        QueueBench.doubles(
            s.monitor,
            "SELECT extract(epoch FROM en.started_at - ep.finished_at) * 1000 " + pairs,
            w.start());
    // The gap's two parts: the next task's due time is the instant the completer's transaction
    // that recorded the outcome made it (the outcome's wait for its batch, the batch's statements
    // up to the insert); from there to its delivery's start: the rest of that transaction, its
    // commit, the wake-up, the claim and the worker's start.
    double[] toInsert =
        QueueBench.doubles(
            s.monitor,
            "SELECT extract(epoch FROM en.scheduled_for - ep.finished_at) * 1000 " + pairs,
            w.start());
    double[] toStart =
        QueueBench.doubles(
            s.monitor,
            "SELECT extract(epoch FROM en.started_at - en.scheduled_for) * 1000 " + pairs,
            w.start());
    return new Overhead(
        w.offered(),
        Stats.Percentiles.of(gaps),
        Stats.Percentiles.of(toInsert),
        Stats.Percentiles.of(toStart),
        expected - done,
        w.cpu());
  }

  private static long count(Connection c, String sql, String key) throws SQLException {
    try (var ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
