package eu.runlater.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heartbeats and uptime checks together on one node, each run on a fresh database: {@code
 * --heartbeats} heartbeat monitors (default 10,000) pinging every minute through {@code /ping}, a
 * tenth of them going silent after their first ping, while {@code --checks} HTTP monitors (default
 * 1,000) are checked every {@code --interval} seconds (default 30) against a local target.
 *
 * <p>Per run: the ping ingest (steady rate and answer times), how late each silent monitor was
 * marked down and alerted at a webhook after its due time plus grace, how late checks started
 * against their planned times over the whole run after the first round (pinging and the silent
 * monitors' downs included), and the CPU of the steady phase (the JVM includes this driver's
 * pingers, the target and the alert sink); then, alone, the most pings per second with 64
 * concurrent pingers. After the runs, the median of each figure.
 *
 * <p>{@code --checks 0} or {@code --heartbeats 0} runs one load alone. {@code --group-window S}
 * sets the organization's alert group window (default 60 s: the downs after a channel's first
 * message wait for the window's end and go as one follow-up; 0 sends each dispatcher pass's downs
 * at once).
 *
 * <pre>
 * MonitorsBench [--heartbeats 10000] [--silent 1000] [--checks 1000] [--interval 30]
 *               [--minutes 3] [--runs 3] [--burst true] [--group-window 60]
 *               [--dir bench/target/monitors-bench]
 * </pre>
 */
public final class MonitorsBench {

  public static void main(String[] args) throws Exception {
    int heartbeats = 10_000;
    int silent = -1;
    int checks = 1_000;
    int interval = 30;
    int minutes = 3;
    int runs = 3;
    boolean burst = true;
    int groupWindow = -1;
    Path dir = Path.of("bench/target/monitors-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--heartbeats" -> heartbeats = Integer.parseInt(args[i + 1]);
        case "--silent" -> silent = Integer.parseInt(args[i + 1]);
        case "--checks" -> checks = Integer.parseInt(args[i + 1]);
        case "--interval" -> interval = Integer.parseInt(args[i + 1]);
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--burst" -> burst = Boolean.parseBoolean(args[i + 1]);
        case "--group-window" -> groupWindow = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (silent < 0) {
      silent = heartbeats / 10;
    }
    System.out.printf(
        "%,d heartbeats (every 1 min, grace 1 min, %,d go silent) and %,d uptime checks every %d s"
            + " on one node; %d min of pinging; %d runs%n",
        heartbeats, silent, checks, interval, minutes, runs);
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (int run = 1; run <= runs; run++) {
      System.out.printf("%n-- run %d of %d --%n", run, runs);
      Path runDir = dir.resolve("run-" + run);
      Files.createDirectories(runDir);
      Map<String, Double> f =
          run(runDir, heartbeats, silent, checks, interval, minutes, burst, groupWindow);
      f.forEach((k, v) -> figures.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    System.out.printf("%nmedians of %d runs (each run's figures in brackets):%n", runs);
    figures.forEach(
        (k, v) ->
            System.out.printf(
                "  %-34s %10.2f   %s%n",
                k, Stats.median(v), v.stream().map(d -> "%.2f".formatted(d)).toList()));
  }

  private static Map<String, Double> run(
      Path dir,
      int heartbeats,
      int silent,
      int checks,
      int interval,
      int minutes,
      boolean burst,
      int groupWindow)
      throws Exception {
    Map<String, Double> f = new LinkedHashMap<>();
    try (BenchPostgres pg = BenchPostgres.start(dir.resolve("pg"), false);
        BenchServer server =
            BenchServer.start(pg, dir, "monitors", "--runlater.monitors.checks.sweep-interval=1s");
        HeartbeatLoad beats = new HeartbeatLoad(server, Math.max(1, heartbeats), silent);
        CheckLoad sites = new CheckLoad(server, checks, interval)) {
      CpuMeter cpu = new CpuMeter(pg.postmasterPid());
      cpu.awaitQuiet(0.3, Duration.ofMinutes(2));
      if (checks > 0) {
        System.out.printf("checks: first from %s, spread over %d s%n", sites.seed(), interval);
      }
      if (heartbeats > 0) {
        System.out.printf(
            "heartbeats: %,d created in %.1f s%n", heartbeats, beats.create(groupWindow));
      }
      if (checks > 0) {
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), sites.warm()).toMillis()));
      }
      Instant from = Instant.now();
      CpuMeter.Sample before = cpu.sample();
      if (heartbeats > 0) {
        HeartbeatLoad.Steady steady = beats.steady(minutes);
        System.out.printf(
            "steady: %,d pings taken (%,d not) in %.1f s = %.0f pings/s; answer %s%n",
            steady.taken(), steady.refused(), steady.seconds(), steady.rate(), steady.answers());
        f.put("pings/s (steady)", steady.rate());
        f.put("ping answer p99 ms", steady.answers().p99());
      } else {
        Thread.sleep(Duration.ofMinutes(minutes));
      }
      CpuMeter.Usage usage = CpuMeter.between(before, cpu.sample());
      System.out.println("steady " + usage);
      f.put("cpu jvm cores (steady)", usage.jvm());
      f.put("cpu postgres cores (steady)", usage.postgres());
      if (heartbeats > 0) {
        HeartbeatLoad.Silence s = beats.silence();
        System.out.printf(
            "silent monitors: %d expected down, %d down; due+grace -> down: %s%n",
            s.expected(), s.downLate().count(), s.downLate());
        System.out.printf(
            "due+grace -> down alert at the webhook (%d alerted, %d messages): %s%n",
            s.alertLate().count(), s.messages(), s.alertLate());
        System.out.printf(
            "  of which in the first message (the group wait): %s%n", s.firstMessageLate());
        f.put("down after due+grace p99 ms", s.downLate().p99());
        f.put("down alert after due+grace p99 ms", s.alertLate().p99());
        f.put("  first message: p99 ms", s.firstMessageLate().p99());
        f.put("silent monitors not alerted", (double) (s.expected() - s.alertLate().count()));
        f.put("silent monitors not down", (double) (s.expected() - s.downLate().count()));
      }
      if (checks > 0) {
        Instant to = Instant.now().minusSeconds(15);
        CheckLoad.Window w = sites.measure(from, to);
        System.out.printf(
            "checks planned in the %d s from the steady phase's start: %,d started (about %,d"
                + " planned), %d failed, up %d/%d, target hits in all %,d%n",
            Duration.between(from, to).toSeconds(),
            w.started(),
            w.planned(),
            w.failed(),
            w.up(),
            checks,
            w.hits());
        System.out.println("check lateness (start - planned): " + w.lateness());
        System.out.println("distinct spacings of planned times (ms): " + w.spacings());
        f.put("check lateness p50 ms", w.lateness().p50());
        f.put("check lateness p99 ms", w.lateness().p99());
        f.put("checks failed", (double) w.failed());
      }
      if (heartbeats > 0 && burst) {
        CpuMeter.Sample b = cpu.sample();
        HeartbeatLoad.Steady most = beats.burst();
        System.out.printf(
            "burst: %,d pings in %.1f s = %.0f pings/s; answer %s%n",
            most.taken(), most.seconds(), most.rate(), most.answers());
        System.out.println("burst " + CpuMeter.between(b, cpu.sample()));
        f.put("pings/s (64 pingers, most)", most.rate());
      }
    }
    return f;
  }
}
