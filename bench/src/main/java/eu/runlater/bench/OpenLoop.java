package eu.runlater.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Calls at a fixed rate, open loop: call k goes at start + k / rate on a virtual thread of its own,
 * whatever the earlier answers' latency, so a slow answer delays no later call (no coordinated
 * omission). The first {@code warmup} of calls is not measured.
 */
final class OpenLoop {
  private OpenLoop() {}

  /**
   * The measured window: when it began, the calls in it, the calls refused (warm-up included), the
   * offered rate and the CPU from its start until the last call was answered.
   */
  record Window(Instant start, long calls, long refused, double offered, CpuMeter.Usage cpu) {}

  /** Runs {@code call} (true: accepted) at {@code rate} per second for {@code warmup + feed}. */
  static Window run(double rate, Duration warmup, Duration feed, CpuMeter cpu, BooleanSupplier call)
      throws InterruptedException {
    long interval = (long) (1e9 / rate);
    long calls = (warmup.toNanos() + feed.toNanos()) / interval;
    long measuredFrom = warmup.toNanos() / interval;
    LongAdder refused = new LongAdder();
    Instant windowStart = Instant.now();
    CpuMeter.Sample before = cpu.sample();
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (long k = 0; k < calls; k++) {
      long wait = t0 + k * interval - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (k == measuredFrom) {
        windowStart = Instant.now();
        before = cpu.sample();
      }
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    if (!call.getAsBoolean()) {
                      refused.increment();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Window(
        windowStart,
        calls - measuredFrom,
        refused.sum(),
        (calls - measuredFrom) / (feed.toNanos() / 1e9),
        CpuMeter.between(before, cpu.sample()));
  }
}
