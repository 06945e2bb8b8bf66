package eu.runlater.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The delivery benchmark: Runlater end to end against db-scheduler and against plain HTTP, on one
 * embedded PostgreSQL and one local HTTP sink, all in this JVM.
 *
 * <p>A warm-up round (smaller, not reported) lets the JIT settle. Then three groups run {@code
 * --runs} times each: throughput (HTTP only, Runlater, db-scheduler: ratios are taken within one
 * run), lateness (at 50% and 80% of R_max, the median Runlater backlog rate of the throughput runs,
 * so every lateness run offers the same absolute rates), and the API. Every figure is printed per
 * run and as the median.
 *
 * <p>The machine may be shared: a phase waits until other processes are quiet, and a measurement
 * during which they used more than {@value #DISTURBED_CORES} cores is repeated (up to three
 * attempts; the least disturbed is kept and flagged). With {@code --busy-ok} (a machine others keep
 * busy for longer than a run may take) each measurement waits at most 10 s for quiet and is taken
 * once: only the ratios within a run mean anything then, and every figure's "other processes" line
 * says how busy the machine was.
 *
 * <p>The cron phase ({@link CronBench}) runs only when named: {@code --phases cron}. It runs each
 * case of {@code --cron-cases} {@code --runs} times. The pending phase ({@code --phases pending})
 * drains {@code --tasks} due tasks with 100,000 and with {@code --pending} (10,000,000) tasks due
 * over the next day behind them.
 *
 * <pre>
 * DeliveryBench [--phases http,runlater,dbscheduler,lateness,api,cron,queue,writes,fresh,queue-outside,dashboard] [--runs 3] [--tasks 100000]
 *               [--workers 50] [--lateness-seconds 30] [--rmax N] [--jfr file] [--jfr-api file]
 *               [--cron-cases a,b] [--cron-warmup-seconds 60] [--cron-seconds 180] [--cron-jobs N]
 *               [--pending 10000000] [--dir path] [--no-warmup] [--diagnose] [--busy-ok] [--server-jar path]
 * </pre>
 */
public final class DeliveryBench {
  static final Set<String> PHASES =
      Set.of(
          "http",
          "runlater",
          "dbscheduler",
          "lateness",
          "api",
          "cron",
          "queue",
          "writes",
          "fresh",
          "queue-outside",
          "dashboard",
          "alerts",
          "idle",
          "workflows",
          "inbound",
          "pending");

  /** What runs without {@code --phases}: everything but cron, which takes long and runs apart. */
  static final List<String> DEFAULT_PHASES =
      List.of("http", "runlater", "dbscheduler", "lateness", "api");

  /** The cron workloads: 100,000 jobs every minute, spread over it; 10,000 every second. */
  static final Map<String, CronBench.Case> CRON_CASES =
      Map.of(
          "a", new CronBench.Case("a", 100_000, false),
          "b", new CronBench.Case("b", 10_000, true));

  static final String CRON_A_P99 = "Cron A lateness p99 (ms)";
  static final String Q_PUSH = "Queue push, single message over HTTP (messages/s)";
  static final String Q_BULK = "Queue bulk push, batches of 1,000 over HTTP (messages/s)";
  static final String Q_E2E = "Queue e2e, one queue, parallelism 100 (deliveries/s)";
  static final String Q_LATE_P99 = "Queue delayed messages @50% lateness p99 (ms)";
  static final String RL_E2E = "Runlater e2e, backlog (deliveries/s)";
  static final String RATIO_PENDING = "ratio e2e with many pending / with 100,000 pending";

  /** The pending phase's baseline: the backlog drained with this many tasks due later. */
  static final long PENDING_BASELINE = 100_000;

  static final String DBS_LAF = "db-scheduler lock-and-fetch (executions/s)";
  static final String HTTP_JDK = "HTTP only: JDK HttpClient (req/s)";
  static final String HTTP_DELIVERY = "HTTP only: HttpDelivery (req/s)";
  static final String HTTP_SIGNED = "HTTP only: HttpDelivery, engine's headers signed (req/s)";
  static final String RATIO_DBS = "ratio Runlater e2e / db-scheduler lock-and-fetch";
  static final String RATIO_HTTP = "ratio Runlater e2e / HTTP only via HttpDelivery";
  static final String RATIO_SIGNED = "ratio Runlater e2e / HTTP only, engine's headers signed";
  static final String RATIO_JDK = "ratio Runlater e2e / HTTP only via JDK HttpClient";

  /** A phase starts once other processes use less than this (waiting up to three minutes). */
  private static final double QUIET_CORES = 0.2;

  /** A measurement during which other processes used more than this is repeated. */
  private static final double DISTURBED_CORES = 0.25;

  private static final int ATTEMPTS = 3;

  private final Options options;
  private final Results results;
  private final List<String> notes = new ArrayList<>();
  private CpuMeter cpu;

  private DeliveryBench(Options options) {
    this.options = options;
    this.results = new Results(options.runs, "run");
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    new DeliveryBench(options).run();
    // Spring, HttpClient and db-scheduler leave non-daemon threads behind.
    System.exit(0);
  }

  private void run() throws Exception {
    deleteRecursively(options.dir);
    Files.createDirectories(options.dir);
    System.out.println("Starting embedded PostgreSQL under " + options.dir);
    try (BenchPostgres pg = BenchPostgres.start(options.dir.resolve("postgres"), options.diagnose);
        Sink sink = Sink.start()) {
      System.out.println("PostgreSQL settings: " + pg.settings());
      System.out.println("Sink: " + sink.uri());
      cpu = new CpuMeter(pg.postmasterPid());
      RunlaterBench runlater = new RunlaterBench(pg, sink, cpu, options.workers);
      DbSchedulerBench dbs = new DbSchedulerBench(pg, sink, cpu, options.workers);
      Set<String> throughputPhases = new LinkedHashSet<>(options.phases);
      throughputPhases.retainAll(Set.of("http", "runlater", "dbscheduler"));
      if (options.warmup && !throughputPhases.isEmpty()) {
        System.out.printf("%n=== warm-up (not reported) ===%n");
        throughput(
            0,
            new Results(1, "warm-up"),
            sink,
            runlater,
            dbs,
            throughputPhases,
            Math.min(20_000, options.tasks),
            3);
      }
      for (int run = 0; run < options.runs && !throughputPhases.isEmpty(); run++) {
        System.out.printf("%n=== throughput, run %d of %d ===%n", run + 1, options.runs);
        throughput(run, results, sink, runlater, dbs, options.phases, options.tasks, 10);
      }
      if (options.phases.contains("lateness")) {
        double rmax = Double.isNaN(options.rmax) ? results.median(RL_E2E) : options.rmax;
        if (Double.isNaN(rmax)) {
          throw new IllegalArgumentException("lateness needs the runlater phase or --rmax");
        }
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== lateness, run %d of %d ===%n", run + 1, options.runs);
          lateness(run, rmax, runlater, dbs);
        }
      }
      if (options.phases.contains("api")) {
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== API, run %d of %d ===%n", run + 1, options.runs);
          api(run, pg, sink);
        }
      }
      if (options.phases.contains("queue")) {
        QueueBench queue =
            new QueueBench(pg, sink, cpu, options.dir.resolve("server"), options.workers);
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== queues, run %d of %d ===%n", run + 1, options.runs);
          queues(run, queue);
        }
      }
      if (options.phases.contains("writes")) {
        QueueBench queue =
            new QueueBench(pg, sink, cpu, options.dir.resolve("server"), options.workers);
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== single writes, run %d of %d ===%n", run + 1, options.runs);
          writes(run, pg, queue);
        }
      }
      if (options.phases.contains("fresh")) {
        FreshBench fresh =
            new FreshBench(pg, sink, cpu, options.dir.resolve("fresh"), options.workers);
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== fresh node warm-up, run %d of %d ===%n", run + 1, options.runs);
          fresh(run, fresh);
        }
      }
      if (options.phases.contains("queue-outside")) {
        OutsideQueueBench outside =
            new OutsideQueueBench(pg, sink, cpu, options.dir.resolve("outside"), options.serverJar);
        for (int run = 0; run < options.runs; run++) {
          System.out.printf(
              "%n=== one queue from outside, run %d of %d ===%n", run + 1, options.runs);
          queueOutside(run, outside, dbs);
        }
      }
      if (options.phases.contains("workflows") || options.phases.contains("inbound")) {
        QueueBench queue =
            new QueueBench(pg, sink, cpu, options.dir.resolve("server"), options.workers);
        for (int run = 0; run < options.runs; run++) {
          if (options.phases.contains("workflows")) {
            System.out.printf("%n=== workflows, run %d of %d ===%n", run + 1, options.runs);
            workflows(run, pg, queue, new WorkflowBench(queue, sink, cpu));
          }
          if (options.phases.contains("inbound")) {
            System.out.printf("%n=== inbound webhooks, run %d of %d ===%n", run + 1, options.runs);
            inbound(run, pg, queue, new InboundBench(queue, sink, cpu, options.workers));
          }
        }
      }
      if (options.phases.contains("dashboard")) {
        DashboardBench dashboard = new DashboardBench(pg, options.dir.resolve("server"));
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== dashboard, run %d of %d ===%n", run + 1, options.runs);
          for (var size : dashboard.run(DashboardBench.SIZES).entrySet()) {
            for (DashboardBench.Timing t : size.getValue()) {
              results.put(
                  run,
                  "%s at %,d executions/24 h, p50 (ms)".formatted(t.what(), size.getKey()),
                  t.millis().p50());
            }
          }
          System.out.printf(
              "%n=== dashboard peer: JobRunr, run %d of %d ===%n", run + 1, options.runs);
          for (var size : new JobRunrDashboardBench(pg).run(DashboardBench.SIZES).entrySet()) {
            for (DashboardBench.Timing t : size.getValue()) {
              results.put(
                  run,
                  "JobRunr %s at %,d jobs/24 h, p50 (ms)".formatted(t.what(), size.getKey()),
                  t.millis().p50());
            }
          }
        }
      }
      if (options.phases.contains("alerts")) {
        AlertFlapBench alerts = new AlertFlapBench(pg, sink, options.dir.resolve("server"));
        System.out.printf("%n=== alerts flap (%d runs) ===%n", options.runs);
        List<AlertFlapBench.Flap> flaps = alerts.flap(options.alertBacklog, options.runs);
        for (int run = 0; run < flaps.size(); run++) {
          AlertFlapBench.Flap f = flaps.get(run);
          results.put(
              run, "Backlog drain, 100 jobs succeeding (deliveries/s)", f.baselinePerSecond());
          results.put(
              run,
              "Backlog drain, 100 jobs flapping with alerts (deliveries/s)",
              f.flappingPerSecond());
          results.put(run, "ratio flapping / succeeding", f.ratio());
          results.put(run, "alert messages during the flapping drain", f.notifications());
          results.put(run, "flapping drain: failed job runs", f.flapFailures());
          results.put(run, "flapping drain: incidents opened", f.incidentsOpened());
          results.put(run, "flapping drain: incidents closed", f.incidentsClosed());
        }
      }
      if (options.phases.contains("idle")) {
        IdleBench idle = new IdleBench(pg, cpu, options.dir.resolve("server"));
        System.out.printf(
            "%n=== idle node, 1,000 hourly cron jobs (%d windows) ===%n", options.runs);
        List<IdleBench.Idle> windows =
            idle.run(1_000, options.runs, Duration.ofSeconds(30), Duration.ofSeconds(60));
        for (int run = 0; run < windows.size(); run++) {
          IdleBench.Idle w = windows.get(run);
          cpu(results, run, "Idle node", w.cpu());
          results.put(run, "Idle node: database transactions/s", w.transactionsPerSecond());
          results.put(run, "Idle node: database rows read/s", w.rowsReadPerSecond());
          if (!w.statements().isEmpty()) {
            results.put(run, "Idle node: statements/s", w.callsPerSecond());
          }
        }
      }
      if (options.phases.contains("pending")) {
        if (options.warmup) {
          // The JIT settles on a drain of its own, or the first (the baseline) would pay for it.
          System.out.printf("%n=== tasks due later: warm-up drain (not reported) ===%n");
          int warm = Math.min(20_000, options.tasks);
          measured(
              "Runlater end to end, %,d tasks inserted before start".formatted(warm),
              () -> runlater.preloaded(warm, null));
        }
        for (int run = 0; run < options.runs; run++) {
          System.out.printf("%n=== tasks due later, run %d of %d ===%n", run + 1, options.runs);
          pending(run, runlater);
        }
      }
      if (options.phases.contains("cron")) {
        CronBench cron = new CronBench(pg, sink, cpu, options.dir.resolve("server"));
        for (String name : options.cronCases) {
          CronBench.Case c = CRON_CASES.get(name);
          if (options.cronJobs > 0) {
            c = new CronBench.Case(c.name(), options.cronJobs, c.everySecond());
          }
          for (int run = 0; run < options.runs; run++) {
            System.out.printf(
                "%n=== cron %s, run %d of %d ===%n", name.toUpperCase(), run + 1, options.runs);
            cron(run, cron, c);
          }
        }
      }
    }
    printSummary();
  }

  /**
   * The engine's backlog drain ({@code --tasks} due now) with {@value #PENDING_BASELINE} and with
   * {@code --pending} tasks due over the next day behind it, in that order, each on a fresh
   * database: issue 18's "10,000,000 pending tasks cost the e2e rate no more than 20 % against
   * 100,000", and the heap after a full collection before and after each drain.
   */
  private void pending(int run, RunlaterBench runlater) throws Exception {
    int n = options.tasks;
    RunlaterBench.Pending few =
        measured(
            "Runlater e2e, %,d due, %,d due later".formatted(n, PENDING_BASELINE),
            () -> runlater.pending(n, PENDING_BASELINE));
    RunlaterBench.Pending many =
        measured(
            "Runlater e2e, %,d due, %,d due later".formatted(n, options.pending),
            () -> runlater.pending(n, options.pending));
    for (var m : List.of(Map.entry(PENDING_BASELINE, few), Map.entry(options.pending, many))) {
      String label = "Runlater e2e, %,d due later".formatted(m.getKey());
      RunlaterBench.Pending p = m.getValue();
      results.put(run, label + " (deliveries/s)", p.perSecond());
      cpu(results, run, label, p.cpu());
      results.put(run, label + ": heap after GC before the drain (MB)", p.heapBefore() / 1e6);
      results.put(run, label + ": heap after GC after the drain (MB)", p.heapAfter() / 1e6);
      results.put(run, label + ": duplicate deliveries", p.duplicates());
      results.put(run, label + ": tasks due later inserted (tasks/s)", p.pendingInsertPerSecond());
    }
    results.put(run, RATIO_PENDING, many.perSecond() / few.perSecond());
  }

  private void throughput(
      int run,
      Results out,
      Sink sink,
      RunlaterBench runlater,
      DbSchedulerBench dbs,
      Set<String> phases,
      int n,
      int httpSecs)
      throws Exception {
    int workers = options.workers;
    if (phases.contains("http")) {
      HttpOnlyBench http = new HttpOnlyBench(sink, workers, cpu);
      HttpOnlyBench.Rate jdk =
          measured(
              "HTTP only, JDK HttpClient, %d virtual threads".formatted(workers),
              () -> http.jdkClient(secs(2), secs(httpSecs)));
      out.put(run, HTTP_JDK, jdk.perSecond());
      HttpOnlyBench.Rate plain =
          measured(
              "HTTP only, Runlater HttpDelivery, %d virtual threads".formatted(workers),
              () -> http.httpDelivery(secs(2), secs(httpSecs)));
      out.put(run, HTTP_DELIVERY, plain.perSecond());
      cpu(out, run, "HTTP only: HttpDelivery", plain.cpu());
      HttpOnlyBench.Rate signed =
          measured(
              "HTTP only, HttpDelivery with the engine's headers, signed per call",
              () -> http.httpDeliverySigned(secs(2), secs(httpSecs)));
      out.put(run, HTTP_SIGNED, signed.perSecond());
      cpu(out, run, "HTTP only, signed", signed.cpu());
    }
    if (phases.contains("runlater")) {
      Path jfr = out == results && run == 0 ? options.jfr : null;
      RunlaterBench.Drain pre =
          measured(
              "Runlater end to end, %,d tasks inserted before start".formatted(n),
              () -> runlater.preloaded(n, jfr));
      out.put(run, RL_E2E, pre.perSecond());
      cpu(out, run, "Runlater e2e, backlog", pre.cpu());
      out.put(run, "Runlater e2e, backlog: WAL per delivery (bytes)", pre.walPerTask());
      out.put(run, "Runlater e2e, backlog: engine's mean HTTP attempt (ms)", pre.httpMeanMillis());
      out.put(run, "Runlater e2e, backlog: duplicate deliveries", pre.duplicates());
      out.put(
          run,
          "Runlater Tasks.insert, 1,000 per tx, engine stopped (tasks/s)",
          pre.insertPerSecond());
      RunlaterBench.Drain live =
          measured(
              "Runlater end to end, %,d tasks inserted while it runs".formatted(n),
              () -> runlater.concurrent(n));
      out.put(run, "Runlater e2e, inserted while running (deliveries/s)", live.perSecond());
      out.put(
          run,
          "Runlater e2e, inserted while running: other processes cpu (cores)",
          live.cpu().others());
      out.put(run, "Runlater e2e, inserted while running: duplicate deliveries", live.duplicates());
      out.put(
          run,
          "Runlater Tasks.insert, 1,000 per tx, engine busy (tasks/s)",
          live.insertPerSecond());
    }
    if (phases.contains("dbscheduler")) {
      DbSchedulerBench.Drain laf =
          measured(
              "db-scheduler lock-and-fetch, %,d instances due now".formatted(n),
              () -> dbs.drain(n, true));
      out.put(run, DBS_LAF, laf.perSecond());
      cpu(out, run, "db-scheduler lock-and-fetch", laf.cpu());
      out.put(run, "db-scheduler lock-and-fetch: WAL per execution (bytes)", laf.walPerTask());
      out.put(
          run, "db-scheduler scheduleBatch, 1,000 per call (instances/s)", laf.schedulePerSecond());
      if (out == results) {
        DbSchedulerBench.Drain fetch =
            measured(
                "db-scheduler default polling (fetch), %,d instances due now".formatted(n),
                () -> dbs.drain(n, false));
        out.put(run, "db-scheduler default fetch (executions/s)", fetch.perSecond());
        out.put(
            run, "db-scheduler default fetch: other processes cpu (cores)", fetch.cpu().others());
      }
    }
    ratio(out, run, RATIO_DBS, RL_E2E, DBS_LAF);
    ratio(out, run, RATIO_HTTP, RL_E2E, HTTP_DELIVERY);
    ratio(out, run, RATIO_SIGNED, RL_E2E, HTTP_SIGNED);
    ratio(out, run, RATIO_JDK, RL_E2E, HTTP_JDK);
  }

  private void lateness(int run, double rmax, RunlaterBench runlater, DbSchedulerBench dbs)
      throws Exception {
    results.put(run, "R_max for lateness: median Runlater backlog rate (tasks/s)", rmax);
    Duration feed = secs(options.latenessSeconds);
    Duration warmup = secs(5);
    for (int percent : new int[] {50, 80}) {
      double rate = rmax * percent / 100.0;
      String label = "Runlater @" + percent + "%";
      latency(
          run,
          label,
          measured(
              "%s = %.0f tasks/s for %s, due 1 s after insert".formatted(label, rate, feed),
              () -> runlater.lateness(rate, feed, warmup)));
      label = "db-scheduler LaF @" + percent + "%";
      latency(
          run,
          label,
          measured(
              "%s = %.0f tasks/s for %s, due 1 s after insert".formatted(label, rate, feed),
              () -> dbs.lateness(rate, feed, warmup)));
    }
  }

  private void api(int run, BenchPostgres pg, Sink sink) throws Exception {
    int workers = options.workers;
    ApiBench api = new ApiBench(pg, sink, options.dir.resolve("server"), workers);
    Path jfr = run == 0 ? options.jfrApi : null;
    ApiBench.Result r =
        measured(
            "API: POST /api/v1/jobs, %d virtual threads".formatted(workers),
            () -> api.run(secs(3), secs(15), cpu, jfr));
    System.out.println("  latency " + r.latency());
    results.put(run, "API creates (201/s)", r.createsPerSecond());
    results.put(run, "API create latency p50 (ms)", r.latency().p50());
    results.put(run, "API create latency p99 (ms)", r.latency().p99());
    cpu(results, run, "API", r.cpu());
    if (r.errors() > 0) {
      results.put(run, "API non-201 answers", r.errors());
    }
  }

  private void queues(int run, QueueBench bench) throws Exception {
    try (QueueBench.Session s = bench.session("queues")) {
      QueueBench.Rate push =
          measured(
              "Queue push: POST /api/v1/queues/push/messages, %d virtual threads, paused queue"
                  .formatted(options.workers),
              () -> bench.push(s, secs(3), secs(15), run == 0 ? options.jfrApi : null));
      System.out.println("  latency " + push.latency());
      results.put(run, Q_PUSH, push.perSecond());
      results.put(run, "Queue push latency p50 (ms)", push.latency().p50());
      results.put(run, "Queue push latency p99 (ms)", push.latency().p99());
      cpu(results, run, "Queue push", push.cpu());
      QueueBench.Rate ceiling =
          measured(
              "HTTP ceiling: GET /health, %d virtual threads".formatted(options.workers),
              () -> bench.ceiling(s, secs(3), secs(15)));
      results.put(run, "HTTP ceiling: GET /health (requests/s)", ceiling.perSecond());
      cpu(results, run, "HTTP ceiling", ceiling.cpu());
      QueueBench.Rate bulk =
          measured(
              "Queue bulk push: POST /api/v1/messages/batch of 1,000, 4 threads, paused queue",
              () -> bench.bulk(s, secs(3), secs(15)));
      System.out.println("  latency per batch " + bulk.latency());
      results.put(run, Q_BULK, bulk.perSecond());
      results.put(run, "Queue bulk push: latency per batch p50 (ms)", bulk.latency().p50());
      cpu(results, run, "Queue bulk push", bulk.cpu());
      int n = options.tasks;
      QueueBench.Drain e2e =
          measured(
              "Queue end to end: %,d messages, one queue, parallelism 100".formatted(n),
              () -> bench.endToEnd(s, n, run == 0 ? options.jfr : null));
      results.put(run, Q_E2E, e2e.perSecond());
      results.put(run, "Queue e2e: duplicate deliveries", e2e.duplicates());
      cpu(results, run, "Queue e2e", e2e.cpu());
      double rate = e2e.perSecond() / 2;
      QueueBench.Lateness late =
          measured(
              "Queue delayed messages (delay 1s, batches every 50 ms) at %.0f/s (50%% of the queue e2e rate) for %d s"
                  .formatted(rate, options.latenessSeconds),
              () -> bench.delayed(s, rate, secs(options.latenessSeconds), secs(5)));
      System.out.println("  lateness " + late.lateness());
      results.put(run, "Queue delayed @50%: offered (messages/s)", late.offered());
      results.put(run, "Queue delayed @50% lateness p50 (ms)", late.lateness().p50());
      results.put(run, "Queue delayed @50% lateness p95 (ms)", late.lateness().p95());
      results.put(run, Q_LATE_P99, late.lateness().p99());
      results.put(run, "Queue delayed @50% lateness max (ms)", late.lateness().max());
      results.put(run, "Queue delayed @50%: messages missing", late.missing());
      cpu(results, run, "Queue delayed @50%", late.cpu());
    }
  }

  static final String W_CEILING = "Writes: HTTP ceiling GET /health (requests/s)";
  static final String W_PUSH = "Writes: single push (201/s)";
  static final String W_CREATE = "Writes: job create (201/s)";

  /**
   * Issue 18, target 3: one server, {@code --workers} threads, each write one request at a time
   * against the {@code GET /health} ceiling of the same server in the same run: a single push to a
   * paused queue, and a one-time job due in 30 days; the ratios are the figures.
   */
  private void writes(int run, BenchPostgres pg, QueueBench bench) throws Exception {
    try (QueueBench.Session s = bench.session("writes")) {
      int workers = options.workers;
      // Unmeasured passes of each first: a fresh JVM's JIT would otherwise make whichever is
      // measured first (the ceiling) look slow and flatter the ratios. It still compiles after
      // them, so the ceiling is measured before and after the writes and the higher one counts.
      System.out.println("-- Writes: warm-up, 2 × 8 s of each, not measured");
      for (int pass = 0; pass < 2; pass++) {
        bench.ceiling(s, secs(8), secs(1));
        bench.push(s, secs(8), secs(1), null);
        bench.create(s, secs(8), secs(1));
      }
      QueueBench.Rate before =
          measured(
              "Writes: HTTP ceiling GET /health, %d virtual threads, before".formatted(workers),
              () -> bench.ceiling(s, secs(3), secs(15)));
      results.put(run, "Writes: HTTP ceiling before the writes (requests/s)", before.perSecond());
      pg.resetStatements(s.monitor);
      QueueBench.Rate push =
          measured(
              "Writes: single push POST /api/v1/queues/push/messages, %d virtual threads"
                  .formatted(workers),
              () -> bench.push(s, secs(3), secs(15), null));
      statementsPer(pg, s, "SELECT count(*) FROM messages", "push");
      System.out.println("  latency " + push.latency());
      results.put(run, W_PUSH, push.perSecond());
      results.put(run, "Writes: single push latency p50 (ms)", push.latency().p50());
      results.put(run, "Writes: single push latency p99 (ms)", push.latency().p99());
      cpu(results, run, "Writes: single push", push.cpu());
      perRequest(run, "Writes: single push", push);
      pg.resetStatements(s.monitor);
      QueueBench.Rate create =
          measured(
              "Writes: job create POST /api/v1/jobs (once, in 30 days), %d virtual threads"
                  .formatted(workers),
              () -> bench.create(s, secs(3), secs(15)));
      statementsPer(pg, s, "SELECT count(*) FROM jobs", "create");
      System.out.println("  latency " + create.latency());
      results.put(run, W_CREATE, create.perSecond());
      results.put(run, "Writes: job create latency p50 (ms)", create.latency().p50());
      results.put(run, "Writes: job create latency p99 (ms)", create.latency().p99());
      cpu(results, run, "Writes: job create", create.cpu());
      perRequest(run, "Writes: job create", create);
      QueueBench.Rate after =
          measured(
              "Writes: HTTP ceiling GET /health, %d virtual threads, after".formatted(workers),
              () -> bench.ceiling(s, secs(3), secs(15)));
      results.put(run, "Writes: HTTP ceiling after the writes (requests/s)", after.perSecond());
      QueueBench.Rate ceiling = after.perSecond() > before.perSecond() ? after : before;
      results.put(run, W_CEILING, ceiling.perSecond());
      cpu(results, run, "Writes: ceiling", ceiling.cpu());
      perRequest(run, "Writes: ceiling", ceiling);
      ratio(results, run, "ratio single push / GET /health", W_PUSH, W_CEILING);
      ratio(results, run, "ratio job create / GET /health", W_CREATE, W_CEILING);
    }
  }

  /**
   * With {@code --diagnose}: statements (BEGIN and COMMIT included) per row that {@code count}
   * counts, since the last reset (warm-up included), and the top statements.
   */
  private static void statementsPer(
      BenchPostgres pg, QueueBench.Session s, String count, String unit) throws Exception {
    long rows = QueueBench.awaitCount(s.monitor, count, 0, ps -> {});
    pg.printStatementTotals(s.monitor, s.server.database(), Math.max(1, rows), unit);
    pg.printStatements(s.monitor, s.server.database());
  }

  /** CPU-µs per accepted request, JVM and PostgreSQL (cores × 10^6 / rate). */
  private void perRequest(int run, String label, QueueBench.Rate r) {
    if (r.perSecond() > 0) {
      results.put(run, label + ": jvm cpu per request (µs)", r.cpu().jvm() * 1e6 / r.perSecond());
      results.put(
          run, label + ": postgres cpu per request (µs)", r.cpu().postgres() * 1e6 / r.perSecond());
    }
  }

  /**
   * Issue 18, target 3: a freshly started node's first minute ({@link FreshBench}), single pushes
   * and job creates by {@code --workers} threads, with and without the AOT cache (a case whose jars
   * are not built is left out with a note).
   */
  private void fresh(int run, FreshBench bench) throws Exception {
    for (boolean aot : new boolean[] {true, false}) {
      if (!FreshBench.available(aot)) {
        String note =
            "fresh node %s: its jar is not built (./mvnw -o -Paot-cache -pl server -am package)"
                .formatted(aot ? "with the AOT cache" : "without the AOT cache");
        System.out.println("  WARNING: " + note);
        notes.add(note);
        continue;
      }
      for (FreshBench.Write write : FreshBench.Write.values()) {
        String only = System.getProperty("fresh.cases", "");
        String tag = write.label + (aot ? "-aot" : "-plain");
        if (!only.isBlank() && !List.of(only.split(",")).contains(tag)) {
          continue;
        }
        String name =
            "Fresh node, %s, %s".formatted(write.label, aot ? "AOT cache" : "no AOT cache");
        FreshBench.Warmup w =
            measured(
                "%s: server jar started on an existing database, %d threads from ready for %d s"
                    .formatted(name, options.workers, FreshBench.SECONDS),
                () -> bench.run(write, aot));
        System.out.println("  second  2xx/s  errors  p50 ms  p99 ms");
        for (int s = 0; s < w.seconds().size(); s++) {
          FreshBench.Second sec = w.seconds().get(s);
          System.out.printf(
              "  %6d %6d %7d %7.1f %7.1f%n",
              s, sec.ok(), sec.errors(), sec.latency().p50(), sec.latency().p99());
        }
        System.out.printf(
            "  ready %.0f ms after launch; warm %.0f/s, p99 %.1f ms; warm from second %d;"
                + " server cores: first 10 s %.2f, after %.2f%n",
            w.readyMillis(),
            w.warmPerSecond(),
            w.warmP99(),
            w.warmFrom(),
            w.serverCoresFirst10(),
            w.serverCoresAfter10());
        results.put(run, name + ": ready after launch (ms)", w.readyMillis());
        results.put(run, name + ": warm (2xx/s, median of the last 20 s)", w.warmPerSecond());
        results.put(run, name + ": warm p99 (ms)", w.warmP99());
        results.put(run, name + ": warm from second", w.warmFrom());
        results.put(run, name + ": server cores, first 10 s", w.serverCoresFirst10());
        results.put(run, name + ": server cores, after 10 s", w.serverCoresAfter10());
        cpu(results, run, name, w.cpu());
      }
    }
  }

  static final String QO_LAF = "Queue from outside: db-scheduler lock-and-fetch (executions/s)";

  /**
   * One queue through the public API of a server in its own process, at parallelism 50 and 1,000,
   * against db-scheduler's lock-and-fetch drain of as many instances in the same run ({@code
   * --workers} threads each side: the bench's pool and the engine's 100 workers are not the same
   * knob, db-scheduler gets {@code --workers}).
   */
  private void queueOutside(int run, OutsideQueueBench bench, DbSchedulerBench dbs)
      throws Exception {
    int n = options.tasks;
    DbSchedulerBench.Drain laf =
        measured(
            "db-scheduler lock-and-fetch, %,d instances due now".formatted(n),
            () -> dbs.drain(n, true));
    results.put(run, QO_LAF, laf.perSecond());
    for (int parallelism : new int[] {50, 1_000}) {
      String name = "Queue from outside, parallelism %,d".formatted(parallelism);
      OutsideQueueBench.Drain d =
          measured(
              "%s: %,d messages batch-pushed over the API to a paused queue, resumed, drained (server as its own process)"
                  .formatted(name, n),
              () -> bench.drain(n, parallelism));
      results.put(run, name + " (deliveries/s)", d.perSecond());
      results.put(run, name + ": duplicate deliveries", d.duplicates());
      results.put(run, name + ": server process cpu (cores)", d.serverCores());
      cpu(results, run, name, d.cpu());
      results.put(
          run,
          "ratio queue from outside, parallelism %,d / db-scheduler lock-and-fetch"
              .formatted(parallelism),
          d.perSecond() / laf.perSecond());
    }
  }

  static final String WF_STEPS = "Workflow, 5 http steps, backlog (step deliveries/s)";
  static final String WF_GAP_P99 = "Workflow @50%: step to next step p99 (ms)";
  static final String WF_CAPACITY =
      "Workflow open loop (API start + 5 http steps), capacity (runs/s)";

  /**
   * A 5-step workflow's backlog drain against one queue's on the same server (and the engine's e2e
   * when the runlater phase ran), then the open loop's own capacity (runs started over the API and
   * run to the end) and the gap between steps at half and a quarter of it.
   */
  private void workflows(int run, BenchPostgres pg, QueueBench queues, WorkflowBench bench)
      throws Exception {
    try (QueueBench.Session s = queues.session("workflows")) {
      int runs = Math.max(1_000, options.tasks / 10);
      WorkflowBench.Drain drain =
          measured(
              "Workflow: %,d runs of 5 http steps, from the instant they wake".formatted(runs),
              // With --diagnose: the drain's statements, from after its runs' starts (each run's
              // sleep step's timer included).
              () -> bench.throughput(s, runs, "bench" + run, () -> pg.resetStatements(s.monitor)));
      System.out.printf(
          "  %,d runs started in %s; %.0f runs/s, %.0f step deliveries/s%n",
          runs, drain.startWindow(), drain.runsPerSecond(), drain.stepsPerSecond());
      pg.printStatements(s.monitor, s.server.database());
      pg.printStatementTotals(s.monitor, s.server.database(), runs * WorkflowBench.STEPS, "step");
      // CPU per step delivered: cores busy over the drain, divided by steps per second.
      double pgMicros = drain.cpu().postgres() * 1e6 / drain.stepsPerSecond();
      double jvmMicros = drain.cpu().jvm() * 1e6 / drain.stepsPerSecond();
      System.out.printf(
          "  CPU per step delivered: postgres %.0f µs, jvm %.0f µs%n", pgMicros, jvmMicros);
      results.put(run, "Workflow backlog: postgres CPU per step (µs)", pgMicros);
      results.put(run, "Workflow backlog: jvm CPU per step (µs)", jvmMicros);
      results.put(run, "Workflow, 5 http steps, backlog (runs/s)", drain.runsPerSecond());
      results.put(run, WF_STEPS, drain.stepsPerSecond());
      results.put(run, "Workflow backlog: runs not succeeded", drain.failed());
      results.put(run, "Workflow backlog: duplicate deliveries", drain.duplicates());
      cpu(results, run, "Workflow backlog", drain.cpu());
      QueueBench.Drain plain =
          measured(
              "Plain deliveries on the same server: %,d messages, one queue, parallelism 100"
                  .formatted(runs * WorkflowBench.STEPS),
              () -> queues.endToEnd(s, runs * WorkflowBench.STEPS, null));
      results.put(run, Q_E2E, plain.perSecond());
      results.put(
          run,
          "ratio workflow step deliveries / queue e2e",
          drain.stepsPerSecond() / plain.perSecond());
      double engine = results.get(run, RL_E2E);
      if (!Double.isNaN(engine)) {
        results.put(
            run, "ratio workflow step deliveries / Runlater e2e", drain.stepsPerSecond() / engine);
      }
      // Half load is half of what the open loop itself can carry, measured here: each of its runs
      // pays its start through the API as well as its steps, which the drain's runs (started
      // before they woke) do not.
      WorkflowBench.Capacity capacity =
          measured(
              "Workflow open-loop capacity: %,d runs started over the API by 16 threads, run to the end"
                  .formatted(runs),
              () -> bench.capacity(s, runs, "capacity" + run));
      System.out.printf("  %.0f runs/s started and run to the end%n", capacity.runsPerSecond());
      results.put(run, WF_CAPACITY, capacity.runsPerSecond());
      results.put(run, "Workflow capacity: runs not succeeded", capacity.failed());
      results.put(
          run,
          "ratio workflow open-loop capacity / backlog drain (runs/s)",
          capacity.runsPerSecond() / drain.runsPerSecond());
      cpu(results, run, "Workflow capacity", capacity.cpu());
      // With --workflow-rate: one fixed rate instead, the same in every run and build, for an A/B
      // of two builds whose capacities (and so whose halves) differ from run to run.
      int[] percents = Double.isNaN(options.workflowRate) ? new int[] {50, 25} : new int[] {0};
      for (int percent : percents) {
        double rate =
            percent == 0 ? options.workflowRate : capacity.runsPerSecond() * percent / 100;
        String at =
            percent == 0 ? "Workflow @%.0f/s".formatted(rate) : "Workflow @" + percent + "%";
        // With --diagnose: the statements of the open loop (starts, steps), to see how many steps
        // the completer handed off (TASK_INSERT_CLAIMING) against the producer's claims.
        pg.resetStatements(s.monitor);
        WorkflowBench.Overhead gap =
            measured(
                "Workflow step overhead: runs started at %.0f/s (%d%%) for %d s"
                    .formatted(rate, percent, options.latenessSeconds),
                () ->
                    bench.overhead(
                        s,
                        "gap" + percent + "-" + run,
                        rate,
                        secs(options.latenessSeconds),
                        secs(5)));
        pg.printStatements(s.monitor, s.server.database());
        System.out.println("  step to next step " + gap.gap());
        System.out.println("    outcome to next task's insert " + gap.toInsert());
        System.out.println("    insert to next delivery's start " + gap.toStart());
        results.put(run, at + ": offered (runs/s)", gap.offeredRunsPerSecond());
        results.put(run, at + ": step to next step p50 (ms)", gap.gap().p50());
        results.put(
            run, percent == 50 ? WF_GAP_P99 : at + ": step to next step p99 (ms)", gap.gap().p99());
        results.put(run, at + ": outcome to next task's insert p99 (ms)", gap.toInsert().p99());
        results.put(run, at + ": next task's insert to its start p99 (ms)", gap.toStart().p99());
        results.put(run, at + ": runs unfinished", gap.unfinished());
        cpu(results, run, at, gap.cpu());
      }
    }
  }

  /** Inbound ingest against GET /health on the same server, then receive → forward at half. */
  private void inbound(int run, BenchPostgres pg, QueueBench queues, InboundBench bench)
      throws Exception {
    try (QueueBench.Session s = queues.session("inbound")) {
      // With --diagnose: the ingest's statements (rows per call of the events' insert is the
      // requests a transaction stores; COMMIT's calls the commits).
      pg.resetStatements(s.monitor);
      QueueBench.Rate ingest =
          measured(
              "Inbound ingest: POST /in/<token>, %d virtual threads, no connection"
                  .formatted(options.workers),
              () -> bench.ingest(s, secs(3), secs(15)));
      pg.printStatements(s.monitor, s.server.database());
      QueueBench.Rate ceiling =
          measured(
              "HTTP ceiling: GET /health, %d virtual threads".formatted(options.workers),
              () -> queues.ceiling(s, secs(3), secs(15)));
      System.out.println("  ingest latency " + ingest.latency());
      results.put(run, "Inbound ingest (requests/s)", ingest.perSecond());
      results.put(run, "Inbound ingest latency p50 (ms)", ingest.latency().p50());
      results.put(run, "Inbound ingest latency p99 (ms)", ingest.latency().p99());
      results.put(run, "HTTP ceiling: GET /health (requests/s)", ceiling.perSecond());
      results.put(
          run, "ratio inbound ingest / GET /health", ingest.perSecond() / ceiling.perSecond());
      cpu(results, run, "Inbound ingest", ingest.cpu());
      double rate = ingest.perSecond() / 2;
      InboundBench.Forwarding fwd =
          measured(
              "Inbound receive -> forward at %.0f/s (50%% of ingest) for %d s"
                  .formatted(rate, options.latenessSeconds),
              () -> bench.forwarding(s, rate, secs(options.latenessSeconds), secs(5)));
      System.out.println("  receive -> forward " + fwd.latency());
      results.put(run, "Inbound @50%: offered (requests/s)", fwd.offered());
      results.put(run, "Inbound @50%: receive -> forward p50 (ms)", fwd.latency().p50());
      results.put(run, "Inbound @50%: receive -> forward p99 (ms)", fwd.latency().p99());
      results.put(run, "Inbound @50%: forwards missing", fwd.missing());
      results.put(run, "Inbound @50%: requests refused", fwd.refused());
      cpu(results, run, "Inbound @50%", fwd.cpu());
    }
  }

  private void cron(int run, CronBench bench, CronBench.Case c) throws Exception {
    Duration warmup = secs(options.cronWarmupSeconds);
    Duration measure = secs(options.cronSeconds);
    CronBench.Result r =
        measured(
            "Cron %s: %s, %s warm-up, %s measured"
                .formatted(c.name().toUpperCase(), c.title(), warmup, measure),
            () -> bench.run(c, warmup, measure));
    String l = "Cron " + c.name().toUpperCase();
    System.out.println("  lateness " + r.lateness());
    System.out.println("  last start per planned second " + r.burst());
    System.out.println("  history entries by status " + r.statuses());
    results.put(run, l + ": jobs", c.jobs());
    results.put(run, l + ": jobs created through the server's path (jobs/s)", r.createsPerSecond());
    results.put(run, l + ": occurrences offered (/s)", r.offered());
    results.put(run, l + ": deliveries, successful attempts (/s)", r.deliveriesPerSecond());
    results.put(run, l + ": sink requests in the window (/s)", r.sinkPerSecond());
    results.put(run, l + " lateness p50 (ms)", r.lateness().p50());
    results.put(run, l + " lateness p95 (ms)", r.lateness().p95());
    results.put(run, l + " lateness p99 (ms)", r.lateness().p99());
    results.put(run, l + " lateness max (ms)", r.lateness().max());
    results.put(run, l + ": last start per planned second, p50 (ms)", r.burst().p50());
    results.put(run, l + ": last start per planned second, max (ms)", r.burst().max());
    results.put(run, l + ": occurrences expected in the window", r.expected());
    results.put(run, l + ": history entries in the window", r.recorded());
    results.put(run, l + ": distinct occurrences recorded", r.distinct());
    results.put(run, l + ": duplicate occurrences", r.duplicates());
    results.put(run, l + ": occurrences missing from the history", r.missing());
    results.put(run, l + ": entries other than success", r.notSuccess());
    for (String status : r.statuses().keySet()) {
      if (!status.equals("success")) {
        results.put(run, l + ": entries " + status, r.status(status));
      }
    }
    results.put(run, l + ": settled after the window (s)", r.settleSeconds());
    results.put(run, l + ": WAL per occurrence (bytes)", r.walPerOccurrence());
    cpu(results, run, l, r.cpu());
  }

  /**
   * Runs one measurement once other processes are quiet, and again (up to {@value #ATTEMPTS}
   * attempts) while they disturbed it; keeps the first undisturbed attempt, else the least
   * disturbed.
   */
  private <T extends Measured> T measured(String title, Callable<T> measurement) throws Exception {
    System.out.println("-- " + title);
    T best = null;
    int attempts = options.busyOk ? 1 : ATTEMPTS;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      cpu.awaitQuiet(QUIET_CORES, options.busyOk ? Duration.ofSeconds(10) : Duration.ofMinutes(3));
      T result = measurement.call();
      System.out.println("  " + result.cpu());
      double others = result.cpu().others();
      if (best == null || others < best.cpu().others()) {
        best = result;
      }
      if (others <= DISTURBED_CORES) {
        return result;
      }
      System.out.printf(
          "  other processes used %.2f cores meanwhile (attempt %d of %d)%s%n",
          others, attempt, attempts, attempt < attempts ? "; measuring again" : "");
    }
    String note =
        "%s: every attempt was disturbed; kept the least (other processes %.2f cores)"
            .formatted(title, best.cpu().others());
    System.out.println("  WARNING: " + note);
    notes.add(note);
    return best;
  }

  private static void cpu(Results out, int run, String label, CpuMeter.Usage usage) {
    out.put(run, label + ": jvm cpu (cores)", usage.jvm());
    out.put(run, label + ": jvm cpu in kernel (cores)", usage.jvmSys());
    out.put(run, label + ": postgres cpu (cores)", usage.postgres());
    out.put(run, label + ": postgres cpu in kernel (cores)", usage.postgresSys());
    out.put(run, label + ": other processes cpu (cores)", usage.others());
  }

  private void latency(int run, String label, Lateness l) {
    Stats.Percentiles p = l.percentiles();
    System.out.println("  lateness " + p);
    results.put(run, label + " offered rate (tasks/s)", l.offered());
    results.put(run, label + " lateness p50 (ms)", p.p50());
    results.put(run, label + " lateness p95 (ms)", p.p95());
    results.put(run, label + " lateness p99 (ms)", p.p99());
    results.put(run, label + " lateness max (ms)", p.max());
    results.put(run, label + ": jvm cpu (cores)", l.cpu().jvm());
    results.put(run, label + ": postgres cpu (cores)", l.cpu().postgres());
    results.put(run, label + ": other processes cpu (cores)", l.cpu().others());
    if (l.duplicates() > 0) {
      results.put(run, label + ": duplicate deliveries", l.duplicates());
    }
  }

  private static void ratio(Results out, int run, String name, String a, String b) {
    double x = out.get(run, a);
    double y = out.get(run, b);
    if (!Double.isNaN(x) && !Double.isNaN(y)) {
      out.put(run, name, x / y);
    }
  }

  private void printSummary() {
    System.out.printf(
        "%n=== summary: %d run(s), %,d tasks per drain, %d workers/threads ===%n%n",
        options.runs, options.tasks, options.workers);
    System.out.println(results.table());
    for (String note : notes) {
      System.out.println("Note: " + note);
    }
    System.out.println("Targets (medians):");
    target("Runlater e2e / db-scheduler lock-and-fetch", RATIO_DBS, 2.0, true, "x");
    target("Runlater e2e / HTTP only (HttpDelivery)", RATIO_HTTP, 0.9, true, "x");
    target(
        "Runlater lateness p99 at 50% of R_max",
        "Runlater @50% lateness p99 (ms)", 50, false, " ms");
    target("Cron A lateness p99", CRON_A_P99, 100, false, " ms");
    target("Queue push, single messages", Q_PUSH, 5_000, true, "/s");
    target("Queue bulk push", Q_BULK, 50_000, true, "/s");
    target("Queue e2e, parallelism 100", Q_E2E, 5_000, true, "/s");
    target("Queue delayed lateness p99 at 50%", Q_LATE_P99, 50, false, " ms");
    target("e2e with --pending due later / with 100,000", RATIO_PENDING, 0.8, true, "x");
  }

  private void target(String what, String name, double goal, boolean atLeast, String unit) {
    if (!results.has(name)) {
      return;
    }
    double v = results.median(name);
    boolean met = atLeast ? v >= goal : v <= goal;
    String verdict =
        met
            ? "met"
            : "MISSED: "
                + Results.format(v)
                + unit
                + " is "
                + Results.format(100 * Math.abs(goal - v) / goal)
                + "% "
                + (atLeast ? "below" : "above")
                + " the target";
    System.out.printf(
        "  %-45s %s%s (target %s %s%s): %s%n",
        what, Results.format(v), unit, atLeast ? ">=" : "<=", Results.format(goal), unit, verdict);
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Command-line options. */
  record Options(
      Set<String> phases,
      int runs,
      int tasks,
      int workers,
      int latenessSeconds,
      double rmax,
      double workflowRate,
      Path jfr,
      Path jfrApi,
      Path dir,
      boolean warmup,
      boolean diagnose,
      boolean busyOk,
      List<String> cronCases,
      int cronWarmupSeconds,
      int cronSeconds,
      int cronJobs,
      int alertBacklog,
      long pending,
      Path serverJar) {

    static Options parse(String[] args) {
      Set<String> phases = new LinkedHashSet<>(DEFAULT_PHASES);
      List<String> cronCases = List.of("a", "b");
      int cronWarmupSeconds = 60;
      int cronSeconds = 180;
      int cronJobs = 0;
      int alertBacklog = 30_000;
      long pending = 10_000_000;
      int runs = 3;
      int tasks = 100_000;
      int workers = 50;
      int latenessSeconds = 30;
      double rmax = Double.NaN;
      double workflowRate = Double.NaN;
      Path jfr = null;
      Path jfrApi = null;
      Path dir = Path.of("/tmp/runlater-bench");
      boolean warmup = true;
      boolean diagnose = false;
      boolean busyOk = false;
      Path serverJar = Path.of("server/target/runlater-server-exec.jar");
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--phases" -> {
            phases = new LinkedHashSet<>(Arrays.asList(value.split(",")));
            if (!PHASES.containsAll(phases)) {
              throw new IllegalArgumentException("--phases takes a list of " + PHASES);
            }
          }
          case "--runs" -> runs = Integer.parseInt(value);
          case "--tasks" -> tasks = Integer.parseInt(value);
          case "--workers" -> workers = Integer.parseInt(value);
          case "--lateness-seconds" -> latenessSeconds = Integer.parseInt(value);
          case "--rmax" -> rmax = Double.parseDouble(value);
          case "--workflow-rate" -> workflowRate = Double.parseDouble(value);
          case "--cron-cases" -> {
            cronCases = List.of(value.split(","));
            if (!CRON_CASES.keySet().containsAll(cronCases)) {
              throw new IllegalArgumentException("--cron-cases takes a list of a, b");
            }
          }
          case "--cron-warmup-seconds" -> cronWarmupSeconds = Integer.parseInt(value);
          case "--cron-seconds" -> cronSeconds = Integer.parseInt(value);
          case "--cron-jobs" -> cronJobs = Integer.parseInt(value);
          case "--alert-backlog" -> alertBacklog = Integer.parseInt(value);
          case "--pending" -> pending = Long.parseLong(value);
          case "--jfr" -> jfr = Path.of(value);
          case "--jfr-api" -> jfrApi = Path.of(value);
          case "--dir" -> dir = Path.of(value);
          case "--server-jar" -> serverJar = Path.of(value);
          case "--no-warmup" -> {
            warmup = false;
            i--;
          }
          case "--diagnose" -> {
            diagnose = true;
            i--;
          }
          case "--busy-ok" -> {
            busyOk = true;
            i--;
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + args[i]
                      + "; options: --phases http,runlater,dbscheduler,lateness,api,cron,queue,writes,fresh,queue-outside,dashboard,alerts,idle,workflows,inbound,pending"
                      + " --runs 3"
                      + " --tasks 100000 --workers 50 --lateness-seconds 30 --rmax N"
                      + " --workflow-rate N --jfr file"
                      + " --jfr-api file --cron-cases a,b --cron-warmup-seconds 60"
                      + " --cron-seconds 180 --cron-jobs N --alert-backlog 30000 --pending 10000000"
                      + " --dir /tmp/runlater-bench"
                      + " --no-warmup --diagnose --busy-ok --server-jar path");
        }
        i++;
      }
      return new Options(
          phases,
          runs,
          tasks,
          workers,
          latenessSeconds,
          rmax,
          workflowRate,
          jfr,
          jfrApi,
          dir,
          warmup,
          diagnose,
          busyOk,
          cronCases,
          cronWarmupSeconds,
          cronSeconds,
          cronJobs,
          alertBacklog,
          pending,
          serverJar);
    }
  }
}
