package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** R3: PostgreSQL restarted 10 times under load. */
final class PostgresRestarts extends Scenario {
  PostgresRestarts(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
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
      List<Scenarios.Probe> probes = Collections.synchronizedList(new ArrayList<>());
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
      for (Scenarios.Probe p : probes) {
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
}
