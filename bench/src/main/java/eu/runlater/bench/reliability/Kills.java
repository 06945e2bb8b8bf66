package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** R2: SIGKILL a random node every 10 s for 5 minutes under load, restart it. */
final class Kills extends Scenario {
  Kills(Scenarios s) {
    super(s);
  }

  /** A kill: the victim, when, and the tasks it had running with the attempt each held. */
  private record Kill(String node, long atNanos, Map<String, Integer> inFlight) {}

  @Override
  String run() throws Exception {
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
          Map<String, Integer> inFlight = c.runningTasksOf(victim);
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
      // Time from each kill to the re-delivery of each task the killed node had running: the first
      // arrival of that task with a higher attempt than the one the killed node held (an arrival
      // with the held attempt is the killed node's own send, not a re-delivery).
      List<Double> all = new ArrayList<>();
      int never = 0;
      int inFlightTotal = 0;
      for (Kill k : kills) {
        List<Double> mine = new ArrayList<>();
        for (var task : k.inFlight().entrySet()) {
          int held = task.getValue();
          long first =
              c.ledger.arrivalsOfRun(task.getKey()).stream()
                  .filter(a -> a.attempt() > held)
                  .mapToLong(Ledger.Arrival::nanos)
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
            "  kill of %s: %d running; re-delivered (a higher attempt arrived) after %s s (min..max),"
                + " %d not re-delivered%n",
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
              + " (%d with no higher attempt arrived: finished just before the kill, or stuck);"
              + " restarts ms %s%n",
          kills.size(), inFlightTotal, medianRedelivery, maxRedelivery, never, restartMs);
      boolean pass =
          b.lost() == 0
              && b.extraDeliveries() <= inFlightTotal
              && b.stuckReady() + b.stuckRunning() + b.stuckMessages() == 0
              && (inFlightTotal == 0 || !all.isEmpty())
              && !(maxRedelivery > 15);
      return verdict(
          pass,
          ("%d s, %d kills, %,d accepted: lost %d, duplicated %d (in flight at the kills %d), stuck %d;"
                  + " longest gap %.1f s; kill to re-delivery median %.1f s, max %.1f s (target 15 s),"
                  + " %d not re-delivered")
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
                  maxRedelivery,
                  never));
    }
  }
}
