package eu.runlater.bench.reliability;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * R8: one node's clock 5 s ahead. Due means due by the database's clock, so no job may run before
 * its time (beyond the ledger's measurement, 50 ms), whatever the skewed node's clock says; the
 * skewed node measures its offset (engine_nodes.clock_offset_ms, the gauge
 * runlater_node_clock_offset_seconds) and still takes its share.
 */
final class ClockSkew extends Scenario {
  ClockSkew(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
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
      long measuredOffsetMs =
          c.db.queryLong(
              "SELECT coalesce(max(clock_offset_ms), -1) FROM engine_nodes WHERE node_id LIKE '%s'"
                  .formatted(skewed.nodeIdPattern()));
      long bySkewed =
          c.db.queryLong(
              "SELECT count(*) FROM executions WHERE node LIKE '%s'"
                  .formatted(skewed.nodeIdPattern()));
      System.out.printf(
          "  lateness s: min %.2f, median %.2f, max %.2f; earliest run %.2f s before its time;"
              + " %d runs by the skewed node (its measured clock offset %d ms); leader sessions"
              + " at once: max %d%n",
          lateness.isEmpty() ? Double.NaN : lateness.getFirst(),
          lateness.isEmpty() ? Double.NaN : lateness.get(lateness.size() / 2),
          lateness.isEmpty() ? Double.NaN : lateness.getLast(),
          maxEarly,
          bySkewed,
          measuredOffsetMs,
          maxLeaders);
      return verdict(
          b.lost() == 0 && maxEarly <= EARLY_SLACK_SECONDS && maxLeaders <= 1,
          "%,d jobs: lost %d, earliest run %.2f s before its time (skew 5 s), %d runs by the skewed node,"
                  .formatted(jobs, b.lost(), maxEarly, bySkewed)
              + " leader sessions at once max %d".formatted(maxLeaders));
    }
  }

  /**
   * How early a run may look in the ledger (the sink's arrival against the due time, both on this
   * machine's clock, the database's) without counting as early: measurement, not skew.
   */
  private static final double EARLY_SLACK_SECONDS = 0.05;

  /** The engine's advisory lock key ("runlater" in ASCII), as pg_locks splits it. */
  private static long leaderKey() {
    long key = 0;
    for (char ch : "runlater".toCharArray()) {
      key = key << 8 | ch;
    }
    return key;
  }
}
