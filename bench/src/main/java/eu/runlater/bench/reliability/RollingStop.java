package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** R6: rolling SIGTERM of every node under load. */
final class RollingStop extends Scenario {
  RollingStop(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
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
}
