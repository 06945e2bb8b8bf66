package eu.runlater.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests set and advance; starts at the real time, truncated to milliseconds. */
public final class MutableClock implements InstantSource {
  private final AtomicReference<Instant> now;

  public MutableClock() {
    this(Instant.ofEpochMilli(System.currentTimeMillis()));
  }

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  public Instant advance(Duration by) {
    return now.updateAndGet(t -> t.plus(by));
  }

  /** Back to the real time. */
  public void reset() {
    now.set(Instant.ofEpochMilli(System.currentTimeMillis()));
  }
}
