package eu.runlater.bench.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** R1 to R9 of issue 17; each returns its one-line verdict. */
final class Scenarios {
  private final Battery.Options o;
  private final AtomicLong seqs = new AtomicLong();

  Scenarios(Battery.Options o) {
    this.o = o;
  }

  String run(String name) throws Exception {
    return switch (name) {
      case "R1" -> r1();
      case "R2" -> r2();
      case "R3" -> r3();
      case "R4" -> r4();
      case "R5" -> r5();
      case "R6" -> r6();
      case "R7" -> r7();
      case "R8" -> r8();
      case "R9" -> r9();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private Path dir(String scenario) {
    return o.dir().resolve(scenario.toLowerCase()).toAbsolutePath();
  }

  /** The plain 3-node cluster, started once and shared by R1, R2, R3, R6 and R7. */
  private Cluster standard;

  private Cluster standard() throws Exception {
    if (standard == null) {
      standard = cluster("shared", Cluster.Spec.of(3)).shared();
    } else {
      standard.ready();
    }
    return standard;
  }

  void close() throws java.io.IOException {
    if (standard != null) {
      standard.closeNow();
    }
  }

  private Cluster cluster(String scenario, Cluster.Spec spec) throws Exception {
    Path d = dir(scenario);
    deleteRecursively(d);
    return Cluster.start(d, o.jar().toAbsolutePath(), spec, o.heap());
  }

  private int scaled(int full, int min) {
    return Math.max(min, (int) Math.round(full * o.scale()));
  }

  private static String verdict(boolean pass, String figures) {
    return (pass ? "PASS " : "MISS ") + figures;
  }

  // ---------------------------------------------------------------------------------------------
  // R1: 100,000 one-time jobs and messages on 3 nodes, no faults.

  private String r1() throws Exception {
    int total = scaled(100_000, 2_000);
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      Load load = new Load(c, seqs, 0, 30_000);
      System.out.printf("  submitting %,d jobs and %,d messages%n", total / 2, total - total / 2);
      long t0 = System.nanoTime();
      load.bulk(total / 2, total - total / 2);
      long submitted = System.nanoTime();
      System.out.printf(
          "  submitted in %.1f s (%.0f/s); answers: %s%n",
          (submitted - t0) / 1e9, total / ((submitted - t0) / 1e9), load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, submitted, Duration.ofSeconds(60));
      System.out.println("  " + b);
      List<Ledger.Arrival> all = c.ledger.all().stream().filter(a -> a.nanos() >= t0).toList();
      long first = all.stream().mapToLong(Ledger.Arrival::nanos).min().orElse(t0);
      long last = all.stream().mapToLong(Ledger.Arrival::nanos).max().orElse(t0);
      double rate = all.size() / Math.max(1e-9, (last - first) / 1e9);
      System.out.printf(
          "  deliveries: %,d in %.1f s (%.0f/s), all done %.1f s after the first submission%n",
          all.size(), (last - first) / 1e9, rate, (last - t0) / 1e9);
      return verdict(
          b.clean() && b.unacknowledged() == 0,
          "%,d submitted (%d nodes): lost %d, duplicated %d, stuck %d; %.0f deliveries/s"
              .formatted(
                  b.accepted(),
                  c.nodes.size(),
                  b.lost(),
                  b.duplicated(),
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  rate));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // R2: SIGKILL a random node every 10 s for 5 minutes under load, restart it.

  private record Kill(String node, long atNanos, List<String> inFlight) {}

  private String r2() throws Exception {
    int seconds = scaled(300, 40);
    long deliveryMs = 500;
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      Load load = new Load(c, seqs, deliveryMs, 30_000);
      System.out.printf(
          "  %d s of load at %.0f/s (deliveries take %d ms, timeout 30 s), a node SIGKILLed every 10 s%n",
          seconds, o.rate(), deliveryMs);
      Thread loadThread = load.steady(o.rate(), Duration.ofSeconds(seconds));
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      Map<Node, Boolean> ready = new ConcurrentHashMap<>();
      c.nodes.forEach(n -> ready.put(n, true));
      List<Kill> kills = Collections.synchronizedList(new ArrayList<>());
      List<Long> restartMs = Collections.synchronizedList(new ArrayList<>());
      Load.sleep(10_000);
      while (System.nanoTime() < end - 5_000_000_000L) {
        List<Node> candidates = c.nodes.stream().filter(ready::get).toList();
        if (!candidates.isEmpty()) {
          Node victim =
              candidates.get(
                  java.util.concurrent.ThreadLocalRandom.current().nextInt(candidates.size()));
          List<String> inFlight = c.runningTaskIdsOf(victim);
          long at = System.nanoTime();
          victim.kill();
          kills.add(new Kill(victim.name(), at, inFlight));
          System.out.printf(
              "  %5.1f s: SIGKILL %s with %d tasks running%n",
              (at - (end - seconds * 1_000_000_000L)) / 1e9, victim.name(), inFlight.size());
          ready.put(victim, false);
          victim.launch();
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      restartMs.add(victim.awaitReady(Cluster.READY_PATIENCE));
                      ready.put(victim, true);
                    } catch (Exception e) {
                      System.out.println("  " + victim.name() + " did not come back: " + e);
                    }
                  });
        }
        Load.sleep(10_000);
      }
      loadThread.join();
      long loadEnded = System.nanoTime();
      System.out.printf("  load ended; answers: %s%n", load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(120));
      System.out.println("  " + b);
      // Time from each kill to the first re-delivery of each task the killed node had running.
      List<Double> all = new ArrayList<>();
      int never = 0;
      int inFlightTotal = 0;
      for (Kill k : kills) {
        List<Double> mine = new ArrayList<>();
        for (String task : k.inFlight()) {
          long first =
              c.ledger.arrivalsOfRun(task).stream()
                  .mapToLong(Ledger.Arrival::nanos)
                  .filter(n -> n > k.atNanos())
                  .min()
                  .orElse(-1);
          if (first < 0) {
            never++;
          } else {
            mine.add((first - k.atNanos()) / 1e9);
          }
        }
        inFlightTotal += k.inFlight().size();
        all.addAll(mine);
        Collections.sort(mine);
        System.out.printf(
            "  kill of %s: %d running; re-delivered after %s s (min..max), %d not again%n",
            k.node(),
            k.inFlight().size(),
            mine.isEmpty() ? "-" : "%.1f..%.1f".formatted(mine.getFirst(), mine.getLast()),
            k.inFlight().size() - mine.size());
      }
      Collections.sort(all);
      double maxRedelivery = all.isEmpty() ? Double.NaN : all.getLast();
      double medianRedelivery = all.isEmpty() ? Double.NaN : all.get(all.size() / 2);
      System.out.printf(
          "  %d kills, %d tasks running at the kills; kill to re-delivery: median %.1f s, max %.1f s"
              + " (%d not delivered again after the kill); restarts ms %s%n",
          kills.size(), inFlightTotal, medianRedelivery, maxRedelivery, never, restartMs);
      boolean pass =
          b.lost() == 0
              && b.extraDeliveries() <= inFlightTotal
              && b.stuckReady() + b.stuckRunning() + b.stuckMessages() == 0
              && !(maxRedelivery > 15);
      return verdict(
          pass,
          ("%d s, %d kills, %,d accepted: lost %d, duplicated %d (in flight at the kills %d), stuck %d;"
                  + " longest gap %.1f s; kill to re-delivery median %.1f s, max %.1f s (target 15 s)")
              .formatted(
                  seconds,
                  kills.size(),
                  b.accepted(),
                  b.lost(),
                  b.extraDeliveries(),
                  inFlightTotal,
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  b.longestGapSeconds(),
                  medianRedelivery,
                  maxRedelivery));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // R3: PostgreSQL restarted 10 times under load.

  /** A probe's view of one API request during an outage. */
  record Probe(
      int status, long millis, String retryAfter, String error, long atNanos, String type) {}

  private String r3() throws Exception {
    int restarts = scaled(10, 2);
    int outageSeconds = 5;
    long deliveryMs = 100;
    int between = 15;
    int seconds = restarts * (between + outageSeconds + 5) + 10;
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      Load load = new Load(c, seqs, deliveryMs, 30_000);
      System.out.printf(
          "  %d s of load at %.0f/s; PostgreSQL stopped (fast) for %d s, %d times%n",
          seconds, o.rate(), outageSeconds, restarts);
      Thread loadThread = load.steady(o.rate(), Duration.ofSeconds(seconds));
      List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
      List<Double> resume = new ArrayList<>();
      for (int i = 0; i < restarts; i++) {
        Load.sleep(between * 1000L);
        Thread probe = probe(c, load, probes, outageSeconds + 3);
        c.db.stop();
        long down = System.nanoTime();
        Load.sleep(outageSeconds * 1000L);
        c.db.start();
        long up = System.nanoTime();
        probe.join();
        // Deliveries resume: the first arrival of a run that was not running at the stop.
        Load.sleep(10_000);
        long first = Accounting.firstArrivalAfter(c.ledger.all(), up);
        double r = first < 0 ? Double.NaN : (first - up) / 1e9;
        resume.add(r);
        System.out.printf(
            "  restart %d: down %.1f s; first delivery %.1f s after PostgreSQL was back; %d deliveries"
                + " in the 10 s after%n",
            i + 1,
            (up - down) / 1e9,
            r,
            Accounting.arrivalsBetween(c.ledger.all(), up, up + 10_000_000_000L));
      }
      loadThread.join();
      long loadEnded = System.nanoTime();
      System.out.printf("  load ended; answers: %s%n", load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(90));
      System.out.println("  " + b);
      List<String> exited = new ArrayList<>();
      for (Node n : c.nodes) {
        if (!n.alive()) {
          exited.add(n.name() + " (exit " + n.exitCode() + ")");
        }
      }
      Map<Integer, Integer> byStatus = new TreeMap<>();
      long maxMillis = 0;
      int with503 = 0;
      int with503RetryAfter = 0;
      for (Probe p : probes) {
        byStatus.merge(p.status(), 1, Integer::sum);
        maxMillis = Math.max(maxMillis, p.millis());
        if (p.status() == 503) {
          with503++;
          if (p.retryAfter() != null) {
            with503RetryAfter++;
          }
        }
      }
      double maxResume = resume.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      System.out.printf(
          "  probes during the outages: %d requests, by status %s (-1 = no answer), slowest %d ms,"
              + " 503 with Retry-After %d of %d; nodes exited: %s%n",
          probes.size(), byStatus, maxMillis, with503RetryAfter, with503, exited);
      boolean pass =
          b.lost() == 0
              && exited.isEmpty()
              && maxResume <= 10
              && maxMillis <= Api.TIMEOUT.toMillis()
              && byStatus.keySet().stream().allMatch(s -> s == 503 || (s >= 200 && s < 300))
              && with503RetryAfter == with503;
      return verdict(
          pass,
          ("%d restarts, %,d accepted: lost %d, duplicated %d, stuck %d, nodes exited %d;"
                  + " deliveries resumed within %.1f s (max); API during outages: %s, slowest %d ms,"
                  + " Retry-After on %d of %d 503s")
              .formatted(
                  restarts,
                  b.accepted(),
                  b.lost(),
                  b.extraDeliveries(),
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  exited.size(),
                  maxResume,
                  byStatus,
                  maxMillis,
                  with503RetryAfter,
                  with503));
    }
  }

  /**
   * Creates a job on a random node every 250 ms for {@code seconds}, once each (no retry), and
   * records the answer; an acknowledged job joins the load's books, so it must be delivered.
   */
  Thread probe(Cluster c, Load load, List<Probe> probes, int seconds) {
    return Thread.ofPlatform()
        .start(
            () -> {
              long end = System.nanoTime() + seconds * 1_000_000_000L;
              List<Thread> inFlight = new ArrayList<>();
              while (System.nanoTime() < end) {
                long seq = seqs.incrementAndGet();
                Node n = c.random();
                inFlight.add(
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              Api.Answer a =
                                  c.api.send(
                                      n.base(),
                                      "POST",
                                      "/api/v1/jobs",
                                      Api.jobJson(
                                          "probe" + seq,
                                          c.ledger.url(seq, 0),
                                          "1s",
                                          null,
                                          30_000,
                                          5),
                                      null);
                              probes.add(
                                  new Probe(
                                      a.status(),
                                      a.millis(),
                                      a.retryAfter(),
                                      a.error(),
                                      System.nanoTime(),
                                      Api.field(a.body(), "type")));
                              if (a.ok()) {
                                load.accepted.add(seq);
                              }
                            }));
                Load.sleep(250);
              }
              for (Thread t : inFlight) {
                try {
                  t.join();
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // R4: a node cut from the database for longer than its leases.

  private String r4() throws Exception {
    int cutSeconds = 45;
    long deliveryMs = 2_000;
    int timeoutMs = 5_000; // lease = timeout + 30 s margin = 35 s < the cut
    int seconds = 20 + cutSeconds + 40;
    try (Cluster c = cluster("R4", Cluster.Spec.of(3).proxied(3))) {
      Load.createQueue(c, timeoutMs);
      Load load = new Load(c, seqs, deliveryMs, timeoutMs);
      Node cut = c.nodes.get(2);
      double rejectedBefore = c.metric(cut, "runlater_completions_rejected_total");
      System.out.printf(
          "  %d s of load at %.0f/s (deliveries take %d ms, timeout %d ms: leases of %d s);"
              + " %s cut from PostgreSQL for %d s after 20 s%n",
          seconds, o.rate(), deliveryMs, timeoutMs, timeoutMs / 1000 + 30, cut.name(), cutSeconds);
      Thread loadThread = load.steady(o.rate(), Duration.ofSeconds(seconds));
      Load.sleep(20_000);
      // The cut node's running tasks and when their leases end (nobody else may take them before).
      Map<String, Long> held = new java.util.HashMap<>();
      for (String row :
          c.db.queryStrings(
              "SELECT id || '|' || (extract(epoch from lease_expires_at) * 1000)::bigint FROM tasks"
                  + " WHERE state = 'running' AND claimed_by LIKE '"
                  + cut.nodeIdPattern()
                  + "'")) {
        String[] p = row.split("\\|");
        held.put(p[0], Long.parseLong(p[1]));
      }
      long cutEpoch = System.currentTimeMillis();
      c.proxy.sever();
      System.out.printf("  cut: %s had %d tasks running%n", cut.name(), held.size());
      Load.sleep(cutSeconds * 1000L);
      c.proxy.heal();
      long healedAt = System.nanoTime();
      loadThread.join();
      long loadEnded = System.nanoTime();
      System.out.printf("  load ended; answers: %s%n", load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(90));
      System.out.println("  " + b);
      // Arrivals of the held tasks after the cut and before their leases ended can only be the
      // cut node's own deliveries (of claims it was about to lose); after the first second, it
      // could have known it was cut off.
      int deliveredDuringCut = 0;
      int deliveredAfterFirstSecond = 0;
      int deliveredTwice = 0;
      List<Double> redelivery = new ArrayList<>();
      for (var h : held.entrySet()) {
        List<Ledger.Arrival> arr = c.ledger.arrivalsOfRun(h.getKey());
        for (Ledger.Arrival a : arr) {
          if (a.epochMillis() >= cutEpoch && a.epochMillis() < h.getValue()) {
            deliveredDuringCut++;
            if (a.epochMillis() >= cutEpoch + 1_000) {
              deliveredAfterFirstSecond++;
            }
          }
          if (a.epochMillis() >= h.getValue()) {
            redelivery.add((a.epochMillis() - cutEpoch) / 1000.0);
          }
        }
        if (arr.size() > 1) {
          deliveredTwice++;
        }
      }
      String pattern = cut.nodeIdPattern();
      String inList =
          held.isEmpty()
              ? "NULL"
              : String.join(",", held.keySet().stream().map(t -> "'" + t + "'::uuid").toList());
      long lateSuccesses =
          c.db.queryLong(
              "SELECT count(*) FROM executions WHERE node LIKE '%s' AND status = 'success' AND task_id IN (%s)"
                  .formatted(pattern, inList));
      long cutNodeAfter =
          c.db.queryLong(
              "SELECT count(*) FROM executions WHERE node LIKE '%s' AND started_at > now() - interval '%d seconds'"
                  .formatted(pattern, (System.nanoTime() - healedAt) / 1_000_000_000L));
      double rejected = c.metric(cut, "runlater_completions_rejected_total") - rejectedBefore;
      boolean alive = cut.alive();
      Collections.sort(redelivery);
      System.out.printf(
          "  held tasks: %d; delivered by the cut node after the cut, before their leases ended: %d"
              + " (%d of them after its first second); re-delivered after the leases ended at %s s"
              + " into the cut; delivered more than once: %d; success recorded by the cut node for"
              + " them: %d; completions rejected on the cut node (metric): %.0f; the cut node %s and"
              + " ran %d attempts after the heal%n",
          held.size(),
          deliveredDuringCut,
          deliveredAfterFirstSecond,
          redelivery.isEmpty()
              ? "-"
              : "%.1f..%.1f".formatted(redelivery.getFirst(), redelivery.getLast()),
          deliveredTwice,
          lateSuccesses,
          rejected,
          alive ? "stayed up" : "EXITED (" + cut.exitCode() + ")",
          cutNodeAfter);
      boolean pass = b.lost() == 0 && lateSuccesses == 0 && alive && deliveredAfterFirstSecond == 0;
      return verdict(
          pass,
          ("cut %d s with %d tasks held: %d of them delivered by the cut node after its first second cut off,"
                  + " %d delivered twice, late successes recorded %d, rejected completions %.0f;"
                  + " lost %d, stuck %d, node %s")
              .formatted(
                  cutSeconds,
                  held.size(),
                  deliveredAfterFirstSecond,
                  deliveredTwice,
                  lateSuccesses,
                  rejected,
                  b.lost(),
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  alive ? "up" : "exited"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // R5: target faults.

  private String r5() throws Exception {
    int timeoutMs = 3_000;
    int retries = 1;
    int perFault = 3;
    try (Cluster c = cluster("R5", Cluster.Spec.of(1));
        Targets targets = Targets.start()) {
      Node n = c.nodes.getFirst();
      Map<String, List<String>> jobIds = new java.util.LinkedHashMap<>();
      for (Targets.Fault f : targets.faults.values()) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perFault; i++) {
          Api.Answer a =
              c.api.send(
                  n.base(),
                  "POST",
                  "/api/v1/jobs",
                  Api.jobJson(f.name() + "-" + i, f.url(), "1s", null, timeoutMs, retries),
                  null);
          if (!a.ok()) {
            System.out.printf("  %s: job refused %d %s%n", f.name(), a.status(), a.body());
            continue;
          }
          ids.add(Api.field(a.body(), "id"));
        }
        jobIds.put(f.name(), ids);
      }
      System.out.printf(
          "  %d jobs per fault, timeout %d ms, retries %d; waiting for every one to end%n",
          perFault, timeoutMs, retries);
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      List<String> allIds = jobIds.values().stream().flatMap(List::stream).toList();
      String in = String.join(",", allIds.stream().map(i -> "'" + i + "'::uuid").toList());
      while (System.nanoTime() < deadline
          && c.db.queryLong(
                  "SELECT count(*) FROM executions WHERE final AND source_id IN (" + in + ")")
              < allIds.size()) {
        Load.sleep(1_000);
      }
      List<String> misses = new ArrayList<>();
      System.out.printf(
          "  %-26s %-8s %-9s %-20s %-14s %s%n",
          "fault", "attempts", "expected", "attempt ms (max)", "retry wait s", "outcome");
      for (var e : jobIds.entrySet()) {
        Targets.Fault f = targets.faults.get(e.getKey());
        int expected = f.retried() ? retries + 1 : 1;
        List<String> attemptCounts = new ArrayList<>();
        long maxMs = 0;
        double minWait = Double.NaN;
        String outcome = "";
        boolean ok = !e.getValue().isEmpty();
        for (String id : e.getValue()) {
          List<String> rows =
              c.db.queryStrings(
                  ("SELECT attempt || '|' || status || '|' || coalesce(status_code::text, '-') || '|'"
                          + " || coalesce(duration_us, -1) || '|' || final || '|'"
                          + " || coalesce(extract(epoch from started_at)::text, '') || '|'"
                          + " || coalesce(extract(epoch from finished_at)::text, '') || '|'"
                          + " || coalesce(left(error, 80), '')"
                          + " FROM executions WHERE source_id = '%s' ORDER BY attempt, created_at")
                      .formatted(id));
          int attempts = 0;
          double prevFinish = Double.NaN;
          for (String row : rows) {
            String[] p = row.split("\\|", -1);
            if (p[3].equals("-1")) {
              continue; // a record without an attempt (none expected here)
            }
            attempts++;
            long ms = Long.parseLong(p[3]) / 1000;
            maxMs = Math.max(maxMs, ms);
            if (!p[5].isEmpty() && !Double.isNaN(prevFinish)) {
              double wait = Double.parseDouble(p[5]) - prevFinish;
              minWait = Double.isNaN(minWait) ? wait : Math.min(minWait, wait);
            }
            prevFinish = p[6].isEmpty() ? Double.NaN : Double.parseDouble(p[6]);
            outcome = p[1] + " " + p[2] + (p[7].isEmpty() ? "" : " (" + p[7] + ")");
          }
          attemptCounts.add(Integer.toString(attempts));
          if (attempts != expected || rows.isEmpty()) {
            ok = false;
          }
        }
        if (maxMs > timeoutMs + 1_000) {
          ok = false;
        }
        if (f.retryAfterSeconds() != null && !(minWait >= f.retryAfterSeconds() - 0.1)) {
          ok = false;
        }
        if (!ok) {
          misses.add(f.name());
        }
        System.out.printf(
            "  %-26s %-8s %-9d %-20d %-14s %s%s%n",
            f.name(),
            String.join(",", attemptCounts),
            expected,
            maxMs,
            Double.isNaN(minWait) ? "-" : "%.1f".formatted(minWait),
            outcome,
            ok ? "" : "  <- MISS");
      }
      return verdict(
          misses.isEmpty(),
          "%d faults x %d jobs (timeout %d ms, retries %d): every attempt within timeout + 1 s and"
                  .formatted(targets.faults.size(), perFault, timeoutMs, retries)
              + " retried as documented"
              + (misses.isEmpty() ? "" : " except " + misses));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // R6: rolling SIGTERM of every node under load.

  private String r6() throws Exception {
    long deliveryMs = 500;
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      Load load = new Load(c, seqs, deliveryMs, 30_000);
      // Load throughout: it runs until every node has stopped and started again (at most an hour).
      int seconds = 3600;
      System.out.printf(
          "  load at %.0f/s (deliveries take %d ms) while each node in turn gets SIGTERM and starts"
              + " again%n",
          o.rate(), deliveryMs);
      Thread loadThread = load.steady(o.rate(), Duration.ofSeconds(seconds));
      Load.sleep(15_000);
      List<String> steps = new ArrayList<>();
      for (Node n : c.nodes) {
        int running = c.runningTaskIdsOf(n).size();
        long stopMs = n.terminate(Duration.ofSeconds(60));
        Integer exit = n.exitCode();
        n.launch();
        long readyMs = n.awaitReady(Cluster.READY_PATIENCE);
        String step =
            "%s: %d running at SIGTERM, stopped in %d ms (exit %s), ready again in %d ms"
                .formatted(n.name(), running, stopMs, exit, readyMs);
        steps.add(step);
        System.out.println("  " + step);
        Load.sleep(5_000);
      }
      load.stop();
      loadThread.join();
      long loadEnded = System.nanoTime();
      System.out.printf("  load ended; answers: %s%n", load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(90));
      System.out.println("  " + b);
      return verdict(
          b.clean(),
          "%d nodes restarted in turn, %,d accepted: lost %d, duplicated %d, stuck %d; longest gap %.1f s"
              .formatted(
                  c.nodes.size(),
                  b.accepted(),
                  b.lost(),
                  b.extraDeliveries(),
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  b.longestGapSeconds()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // R7: 50 concurrent requests with one Idempotency-Key; 50 concurrent pushes with one dedup_id.

  private String r7() throws Exception {
    int rounds = scaled(5, 2);
    int concurrent = 50;
    try (Cluster c = standard()) {
      Load.createQueue(c, 30_000);
      int jobsOk = 0;
      int messagesOk = 0;
      List<String> lines = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        int round = r;
        long jobSeq = seqs.incrementAndGet();
        String jobBody = Api.jobJson("r7-" + round, c.ledger.url(jobSeq, 0), "2s", null, 30_000, 5);
        List<Api.Answer> jobAnswers =
            concurrently(
                c,
                concurrent,
                n -> c.api.send(n.base(), "POST", "/api/v1/jobs", jobBody, "r7-key-" + round));
        long msgSeq = seqs.incrementAndGet();
        String msgBody = Api.messageJson(null, c.ledger.url(msgSeq, 0), "r7-dedup-" + round);
        List<Api.Answer> msgAnswers =
            concurrently(
                c,
                concurrent,
                n ->
                    c.api.send(
                        n.base(),
                        "POST",
                        "/api/v1/queues/" + Load.QUEUE + "/messages",
                        msgBody,
                        null));
        long jobsInDb = c.db.queryLong("SELECT count(*) FROM jobs WHERE name = 'r7-" + round + "'");
        long messagesInDb =
            c.db.queryLong(
                "SELECT count(*) FROM messages WHERE dedup_id = 'r7-dedup-" + round + "'");
        Load.sleep(6_000);
        int jobDeliveries = c.ledger.arrivals(jobSeq).size();
        int msgDeliveries = c.ledger.arrivals(msgSeq).size();
        String line =
            ("round %d: jobs: answers %s, distinct ids %d, in the database %d, delivered %d;"
                    + " messages: answers %s, distinct ids %d, deduplicated=true %d, in the database %d, delivered %d")
                .formatted(
                    round,
                    statuses(jobAnswers),
                    distinct(jobAnswers, "id"),
                    jobsInDb,
                    jobDeliveries,
                    statuses(msgAnswers),
                    distinct(msgAnswers, "message_id"),
                    msgAnswers.stream()
                        .filter(a -> a.body().contains("\"deduplicated\":true"))
                        .count(),
                    messagesInDb,
                    msgDeliveries);
        lines.add(line);
        System.out.println("  " + line);
        if (jobsInDb == 1 && distinct(jobAnswers, "id") == 1 && jobDeliveries == 1) {
          jobsOk++;
        }
        if (messagesInDb == 1 && distinct(msgAnswers, "message_id") == 1 && msgDeliveries == 1) {
          messagesOk++;
        }
      }
      return verdict(
          jobsOk == rounds && messagesOk == rounds,
          "%d rounds of %d concurrent requests on %d nodes: exactly one job in %d of %d rounds, exactly one message in %d of %d"
              .formatted(rounds, concurrent, c.nodes.size(), jobsOk, rounds, messagesOk, rounds));
    }
  }

  private static List<Api.Answer> concurrently(
      Cluster c, int n, java.util.function.Function<Node, Api.Answer> call) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Api.Answer> answers = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Node node = c.nodes.get(i % c.nodes.size());
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    answers.add(call.apply(node));
                  }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    return answers;
  }

  private static String statuses(List<Api.Answer> answers) {
    Map<String, Integer> m = new TreeMap<>();
    for (Api.Answer a : answers) {
      m.merge(a.status() + ("true".equals(a.replayed()) ? " replayed" : ""), 1, Integer::sum);
    }
    return m.toString();
  }

  private static long distinct(List<Api.Answer> answers, String field) {
    return answers.stream()
        .filter(Api.Answer::ok)
        .map(a -> Api.field(a.body(), field))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .count();
  }

  // ---------------------------------------------------------------------------------------------
  // R8: one node's clock 5 s ahead.

  private String r8() throws Exception {
    int jobs = scaled(3_000, 300);
    int spreadSeconds = 60;
    Cluster.Spec spec =
        Cluster.Spec.of(3).jvmOptions(3, List.of("-Drunlater.testing.clock-offset=5s"));
    try (Cluster c = cluster("R8", spec)) {
      Node skewed = c.nodes.get(2);
      Load load = new Load(c, seqs, 0, 30_000);
      Instant base = Instant.now().plusSeconds(20);
      Map<Long, Instant> due = new ConcurrentHashMap<>();
      System.out.printf(
          "  %s runs 5 s ahead (-Drunlater.testing.clock-offset=5s); %,d jobs due at set instants over"
              + " %d s, created through the other nodes%n",
          skewed.name(), jobs, spreadSeconds);
      List<Thread> threads = new ArrayList<>();
      java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
      for (int i = 0; i < jobs; i++) {
        long seq = seqs.incrementAndGet();
        Instant at = base.plusMillis((long) i * spreadSeconds * 1000 / jobs);
        due.put(seq, at);
        Node n = c.nodes.get(i % 2);
        inFlight.acquire();
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        Api.Answer a =
                            c.api.send(
                                n.base(),
                                "POST",
                                "/api/v1/jobs",
                                Api.jobJson(
                                    "r8-" + seq,
                                    c.ledger.url(seq, 0),
                                    null,
                                    at.toString(),
                                    30_000,
                                    5),
                                "r8-" + seq);
                        if (a.ok()) {
                          load.accepted.add(seq);
                        } else {
                          load.unacknowledged.add(seq);
                        }
                      } finally {
                        inFlight.release();
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      // Leader sessions: how many hold the engine's advisory lock, sampled every second.
      int maxLeaders = 0;
      long until = base.plusSeconds(spreadSeconds + 10).toEpochMilli();
      while (System.currentTimeMillis() < until) {
        maxLeaders =
            (int)
                Math.max(
                    maxLeaders,
                    c.db.queryLong(
                        "SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                            + " AND (classid::bigint << 32 | objid::bigint) = "
                            + leaderKey()));
        Load.sleep(1_000);
      }
      Accounting.Books b = Accounting.settle(c, load, System.nanoTime(), Duration.ofSeconds(60));
      System.out.println("  " + b);
      double maxEarly = Double.NEGATIVE_INFINITY;
      List<Double> lateness = new ArrayList<>();
      for (var e : due.entrySet()) {
        for (Ledger.Arrival a : c.ledger.arrivals(e.getKey())) {
          double late = (a.epochMillis() - e.getValue().toEpochMilli()) / 1000.0;
          lateness.add(late);
          maxEarly = Math.max(maxEarly, -late);
        }
      }
      Collections.sort(lateness);
      long bySkewed =
          c.db.queryLong(
              "SELECT count(*) FROM executions WHERE node LIKE '%s'"
                  .formatted(skewed.nodeIdPattern()));
      System.out.printf(
          "  lateness s: min %.2f, median %.2f, max %.2f; earliest run %.2f s before its time;"
              + " %d runs by the skewed node; leader sessions at once: max %d%n",
          lateness.isEmpty() ? Double.NaN : lateness.getFirst(),
          lateness.isEmpty() ? Double.NaN : lateness.get(lateness.size() / 2),
          lateness.isEmpty() ? Double.NaN : lateness.getLast(),
          maxEarly,
          bySkewed,
          maxLeaders);
      return verdict(
          b.lost() == 0 && maxEarly <= 5.25 && maxLeaders <= 1,
          "%,d jobs: lost %d, earliest run %.2f s before its time (skew 5 s), %d runs by the skewed node,"
                  .formatted(jobs, b.lost(), maxEarly, bySkewed)
              + " leader sessions at once max %d".formatted(maxLeaders));
    }
  }

  /** The engine's advisory lock key ("runlater" in ASCII), as pg_locks splits it. */
  private static long leaderKey() {
    long key = 0;
    for (char ch : "runlater".toCharArray()) {
      key = key << 8 | ch;
    }
    return key;
  }

  // ---------------------------------------------------------------------------------------------
  // R9: disk nearly full on the database.

  private String r9() throws Exception {
    return DiskFull.run(this, o, seqs);
  }

  Cluster clusterFor(String scenario, Cluster.Spec spec) throws Exception {
    return cluster(scenario, spec);
  }

  Path dirFor(String scenario) {
    return dir(scenario);
  }

  static void deleteRecursively(Path p) throws java.io.IOException {
    if (!java.nio.file.Files.exists(p)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(q);
      }
    }
  }
}
