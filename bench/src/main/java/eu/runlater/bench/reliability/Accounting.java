package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The books of a run: what was acknowledged against what the sink received.
 *
 * <ul>
 *   <li><b>lost</b>: acknowledged (2xx) and never delivered by the end of the grace period;
 *   <li><b>duplicated</b>: delivered more than once (any second arrival of the same sequence
 *       number; the sink always answers 2xx, so a second arrival is never a retry of a failure);
 *   <li><b>stuck</b>: tasks still ready or running, messages still waiting or queued, after the
 *       grace period (everything was due long before);
 *   <li><b>longest gap</b>: the longest time between two consecutive deliveries while work was
 *       outstanding (from the first delivery to the last).
 * </ul>
 */
final class Accounting {
  private Accounting() {}

  record Books(
      int accepted,
      int unacknowledged,
      int delivered,
      int lost,
      List<Long> lostSample,
      int duplicated,
      int extraDeliveries,
      int deliveredUnacknowledged,
      long stuckReady,
      long stuckRunning,
      long stuckMessages,
      double longestGapSeconds,
      double drainSeconds) {
    boolean clean() {
      return lost == 0 && duplicated == 0 && stuckReady + stuckRunning + stuckMessages == 0;
    }

    @Override
    public String toString() {
      return ("accepted %,d (unacknowledged after retries %,d), delivered %,d, lost %d%s,"
              + " duplicated %d (%d extra deliveries), delivered but never acknowledged %d,"
              + " stuck: %d ready + %d running tasks, %d waiting/queued messages,"
              + " longest gap in deliveries %.1f s, drained %.1f s after the load")
          .formatted(
              accepted,
              unacknowledged,
              delivered,
              lost,
              lostSample.isEmpty() ? "" : " (e.g. seq " + lostSample + ")",
              duplicated,
              extraDeliveries,
              deliveredUnacknowledged,
              stuckReady,
              stuckRunning,
              stuckMessages,
              longestGapSeconds,
              drainSeconds);
    }
  }

  /**
   * Waits until every acknowledged item has arrived, or no new delivery came for {@code grace},
   * then settles the books. {@code loadEnded} is when the last submission was answered.
   */
  static Books settle(Cluster c, Load load, long loadEnded, Duration grace) {
    long lastProgress = System.nanoTime();
    long lastCount = -1;
    while (true) {
      long count = c.ledger.count();
      if (count != lastCount) {
        lastCount = count;
        lastProgress = System.nanoTime();
      }
      boolean all = true;
      for (long seq : load.accepted) {
        if (!c.ledger.delivered(seq)) {
          all = false;
          break;
        }
      }
      if (all || System.nanoTime() - lastProgress > grace.toNanos()) {
        break;
      }
      Load.sleep(500);
    }
    double drain = (System.nanoTime() - loadEnded) / 1e9;
    // Late duplicates show up within a moment of the last delivery: wait a little for them.
    Load.sleep(Math.min(5_000, grace.toMillis()));
    int lost = 0;
    int delivered = 0;
    int dup = 0;
    int extra = 0;
    List<Long> lostSample = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (long seq : load.accepted) {
      int n = c.ledger.arrivals(seq).size();
      if (n == 0) {
        lost++;
        if (lostSample.size() < 5) {
          lostSample.add(seq);
        }
      } else {
        delivered++;
        if (n > 1) {
          dup++;
          extra += n - 1;
        }
      }
      seen.add(seq);
    }
    int unackDelivered = 0;
    for (long seq : load.unacknowledged) {
      if (!seen.contains(seq) && !c.ledger.arrivals(seq).isEmpty()) {
        unackDelivered++;
      }
    }
    long[] stuck = c.unfinished();
    return new Books(
        load.accepted.size(),
        load.unacknowledged.size(),
        delivered,
        lost,
        lostSample,
        dup,
        extra,
        unackDelivered,
        stuck[0],
        stuck[1],
        stuck[2],
        longestGap(c.ledger.all().stream().filter(a -> a.nanos() >= load.createdNanos).toList()),
        drain);
  }

  /** The longest time between consecutive arrivals, in seconds. */
  static double longestGap(List<Ledger.Arrival> arrivals) {
    long[] t = arrivals.stream().mapToLong(Ledger.Arrival::nanos).sorted().toArray();
    long gap = 0;
    for (int i = 1; i < t.length; i++) {
      gap = Math.max(gap, t[i] - t[i - 1]);
    }
    return gap / 1e9;
  }

  /** Deliveries per second over a window, for "deliveries resume" checks. */
  static long arrivalsBetween(List<Ledger.Arrival> arrivals, long fromNanos, long toNanos) {
    return arrivals.stream().filter(a -> a.nanos() >= fromNanos && a.nanos() < toNanos).count();
  }

  /** The first arrival at or after {@code fromNanos}, or -1. */
  static long firstArrivalAfter(List<Ledger.Arrival> arrivals, long fromNanos) {
    return arrivals.stream()
        .mapToLong(Ledger.Arrival::nanos)
        .filter(n -> n >= fromNanos)
        .min()
        .orElse(-1);
  }
}
