package eu.runlater.bench.reliability;

import eu.runlater.engine.EngineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** R4: a node cut from the database for longer than its leases. */
final class DatabaseCut extends Scenario {
  /** The nodes' dead-after (the battery leaves the engine's default). */
  private static final Duration DEAD_AFTER = EngineConfig.DEFAULT_DEAD_AFTER;

  /** More duplicated or unfinished items than this are explained in a file only. */
  private static final int PRINTED = 20;

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
      long cutEpoch = System.currentTimeMillis();
      c.proxy.sever();
      // What the cut node held at the cut: its running tasks and the attempt of each (the
      // Runlater-Attempt it sends). Read after the sever, from rows the cut node can no longer
      // change (the leader hands them on only after dead-after).
      Map<String, Integer> held = c.runningTasksOf(cut);
      System.out.printf("  cut: %s had %d tasks running%n", cut.name(), held.size());
      Load.sleep(cutSeconds * 1000L);
      c.proxy.heal();
      long healedAt = System.nanoTime();
      loadThread.join();
      long loadEnded = System.nanoTime();
      System.out.printf("  load ended; answers: %s%n", load.answersSummary());
      Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(90));
      System.out.println("  " + b);
      // Only the cut node sends a held task with the attempt it held (any other claim of the task
      // comes after a rescue or hand-over, which keeps the lost attempt, so it sends a higher one).
      // The engine promises nothing is sent once the node's heartbeat is stale (older than half
      // of dead-after): a send of the held attempt after that bound is a miss; before it, the
      // node could not know it was cut off.
      long boundMs = DEAD_AFTER.toMillis() / 2;
      int deliveredDuringCut = 0;
      List<Double> afterBound = new ArrayList<>();
      int deliveredTwice = 0;
      List<Double> redelivery = new ArrayList<>();
      for (var h : held.entrySet()) {
        List<Ledger.Arrival> arr = c.ledger.arrivalsOfRun(h.getKey());
        long firstRedelivery = Long.MAX_VALUE;
        for (Ledger.Arrival a : arr) {
          if (a.attempt() == h.getValue() && a.epochMillis() >= cutEpoch) {
            deliveredDuringCut++;
            if (a.epochMillis() >= cutEpoch + boundMs) {
              afterBound.add((a.epochMillis() - cutEpoch) / 1000.0);
            }
          } else if (a.attempt() > h.getValue()) {
            firstRedelivery = Math.min(firstRedelivery, a.epochMillis());
          }
        }
        if (firstRedelivery != Long.MAX_VALUE) {
          redelivery.add((firstRedelivery - cutEpoch) / 1000.0);
        }
        if (arr.size() > 1) {
          deliveredTwice++;
        }
      }
      Collections.sort(afterBound);
      explain(c, load, cutEpoch, held);
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
          "  held tasks: %d; the held attempt delivered after the cut: %d (%d of them %d ms or more"
              + " after it%s); re-delivered (a higher attempt) at %s s into the cut; delivered more"
              + " than once: %d; success recorded by the cut node for them: %d; completions rejected"
              + " on the cut node (metric): %.0f; the cut node %s and ran %d attempts after the"
              + " heal%n",
          held.size(),
          deliveredDuringCut,
          afterBound.size(),
          boundMs,
          afterBound.isEmpty() ? "" : ", at " + afterBound + " s",
          redelivery.isEmpty()
              ? "-"
              : "%.1f..%.1f".formatted(redelivery.getFirst(), redelivery.getLast()),
          deliveredTwice,
          lateSuccesses,
          rejected,
          alive ? "stayed up" : "EXITED (" + cut.exitCode() + ")",
          cutNodeAfter);
      boolean pass = b.lost() == 0 && lateSuccesses == 0 && alive && afterBound.isEmpty();
      return verdict(
          pass,
          ("cut %d s with %d tasks held: %d sends of a held attempt by the cut node %.0f s or more"
                  + " after the cut (target 0), %d held tasks delivered twice, late successes"
                  + " recorded %d (target 0), rejected completions %.0f; lost %d (target 0),"
                  + " stuck %d, node %s")
              .formatted(
                  cutSeconds,
                  held.size(),
                  afterBound.size(),
                  boundMs / 1000.0,
                  deliveredTwice,
                  lateSuccesses,
                  rejected,
                  b.lost(),
                  b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                  alive ? "up" : "exited"));
    }
  }

  /**
   * Explains the run's duplicates and unfinished work, so a miss can be read without running it
   * again: every item that arrived more than once (each arrival with its task, attempt and time
   * after the cut, and each execution of those tasks), the tasks and messages not finished, the
   * nodes' rows and their fencing metrics. Written to {@code diagnostics.txt} in the scenario's
   * directory; printed too when there are at most {@link #PRINTED} items of each kind.
   */
  private void explain(Cluster c, Load load, long cutEpoch, Map<String, Integer> held)
      throws IOException {
    String since = "coalesce(round(extract(epoch from %s) * 1000 - " + cutEpoch + ")::text, '-')";
    String executions =
        ("SELECT format('attempt %%s %%s on %%s final %%s, started %%s ms after the cut, took %%s ms%%s',"
            + " attempt, status, coalesce(node, '-'), final, "
            + since.formatted("started_at")
            + ", coalesce((duration_us / 1000)::text, '-'), ': ' || error)"
            + " FROM executions WHERE task_id = '%s'::uuid ORDER BY created_at, attempt");
    List<String> duplicates = new ArrayList<>();
    for (long seq : load.accepted.stream().sorted().toList()) {
      List<Ledger.Arrival> arr = c.ledger.arrivals(seq);
      if (arr.size() < 2) {
        continue;
      }
      StringBuilder line = new StringBuilder("seq " + seq + " arrived " + arr.size() + " times:");
      Set<String> tasks = new LinkedHashSet<>();
      for (Ledger.Arrival a : arr) {
        Integer h = held.get(a.webhookId());
        line.append(
            " [task %s attempt %d at %+.1f s%s]"
                .formatted(
                    a.webhookId(),
                    a.attempt(),
                    (a.epochMillis() - cutEpoch) / 1000.0,
                    h == null ? "" : ", held by the cut node at attempt " + h));
        if (a.webhookId() != null) {
          tasks.add(a.webhookId());
        }
      }
      duplicates.add(line.toString());
      for (String task : tasks) {
        for (String e : c.db.queryStrings(executions.formatted(task))) {
          duplicates.add("    execution of " + task + ": " + e);
        }
      }
    }
    List<String> unfinished = new ArrayList<>();
    for (String row :
        c.db.queryStrings(
            "SELECT format('task %s %s %s attempt %s/%s rescues %s run_at %s ms after the cut,"
                + " claimed by %s', id, state, source_kind, attempt, max_attempts, rescues, "
                + since.formatted("run_at")
                + ", coalesce(claimed_by, '-')) FROM tasks ORDER BY run_at")) {
      unfinished.add(row);
      String task = row.split(" ")[1];
      for (String e : c.db.queryStrings(executions.formatted(task))) {
        unfinished.add("    execution of " + task + ": " + e);
      }
    }
    unfinished.addAll(
        c.db.queryStrings(
            "SELECT format('message %s %s attempts %s not_before %s ms after the cut, dedup %s',"
                + " id, state, attempts, "
                + since.formatted("not_before")
                + ", coalesce(dedup_id, '-')) FROM messages WHERE state IN ('waiting', 'queued')"
                + " ORDER BY not_before"));
    List<String> nodes =
        new ArrayList<>(
            c.db.queryStrings(
                "SELECT format('node %s %s, heartbeat %s ms after the cut, dead at %s ms', node_id,"
                    + " state, "
                    + since.formatted("heartbeat_at")
                    + ", "
                    + since.formatted("dead_at")
                    + ") FROM engine_nodes ORDER BY node_id"));
    for (Node n : c.nodes) {
      nodes.add(
          "%s: fenced %.0f, handed on %.0f, rescued %.0f, completions rejected %.0f"
              .formatted(
                  n.name(),
                  c.metric(n, "runlater_tasks_fenced_total"),
                  c.metric(n, "runlater_tasks_handed_on_total"),
                  c.metric(n, "runlater_tasks_rescued_total"),
                  c.metric(n, "runlater_completions_rejected_total")));
    }
    long dupItems = duplicates.stream().filter(l -> l.startsWith("seq ")).count();
    long unfinishedItems = unfinished.stream().filter(l -> !l.startsWith(" ")).count();
    Path file = c.dir().resolve("diagnostics.txt");
    List<String> all = new ArrayList<>();
    all.add("# R4: times relative to the cut (epoch ms " + cutEpoch + ")");
    all.add("## items delivered more than once: " + dupItems);
    all.addAll(duplicates);
    all.add("## tasks and messages not finished: " + unfinishedItems);
    all.addAll(unfinished);
    all.add("## nodes");
    all.addAll(nodes);
    Files.write(file, all);
    print("items delivered more than once", dupItems, duplicates, file);
    print("tasks and messages not finished", unfinishedItems, unfinished, file);
    nodes.forEach(l -> System.out.println("  " + l));
  }

  private static void print(String what, long items, List<String> lines, Path file) {
    if (items == 0) {
      return;
    }
    System.out.printf("  %s: %d%s%n", what, items, items > PRINTED ? ", see " + file : "");
    if (items <= PRINTED) {
      lines.forEach(l -> System.out.println("    " + l));
    }
  }
}
