package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** R4: a node cut from the database for longer than its leases. */
final class DatabaseCut extends Scenario {
  DatabaseCut(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
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
}
