package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.List;

/** R1: 100,000 one-time jobs and messages on 3 nodes, no faults. */
final class NoFaults extends Scenario {
  NoFaults(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
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
}
