package eu.runlater.accounts;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Bounds password hashing: each Argon2id hash takes 19 MiB and a core for tens of milliseconds, so
 * at most {@link #permits()} run at once (twice the cores); a request that finds them all busy
 * waits up to {@link #WAIT} and is then refused ({@link PasswordHashingBusyException}: 503 with
 * {@code Retry-After}) instead of allocating without bound. Memory for hashing stays under permits
 * × 19 MiB whatever the number of parallel sign-ins.
 */
final class BoundedPasswordEncoder implements PasswordEncoder {
  static final Duration WAIT = Duration.ofSeconds(1);

  private final PasswordEncoder delegate;
  private final int permits;
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicLong hashes = new AtomicLong();

  BoundedPasswordEncoder(PasswordEncoder delegate, int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, got " + permits);
    }
    this.delegate = delegate;
    this.permits = permits;
    this.slots = new Semaphore(permits, true);
  }

  /** Twice the cores this JVM may use, at least two. */
  static int defaultPermits() {
    return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  }

  @Override
  public String encode(CharSequence rawPassword) {
    return bounded(() -> delegate.encode(rawPassword));
  }

  @Override
  public boolean matches(CharSequence rawPassword, String encodedPassword) {
    return bounded(() -> delegate.matches(rawPassword, encodedPassword));
  }

  @Override
  public boolean upgradeEncoding(String encodedPassword) {
    return delegate.upgradeEncoding(encodedPassword); // reads parameters, hashes nothing
  }

  private <T> T bounded(Supplier<T> hash) {
    try {
      if (!slots.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new PasswordHashingBusyException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PasswordHashingBusyException();
    }
    try {
      peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      hashes.incrementAndGet();
      return hash.get();
    } finally {
      inFlight.decrementAndGet();
      slots.release();
    }
  }

  int permits() {
    return permits;
  }

  /** The most hashes that ever ran at once. */
  int peakInFlight() {
    return peakInFlight.get();
  }

  /** Hashes started (encode and matches). */
  long hashes() {
    return hashes.get();
  }

  /** For tests: the slots, to hold them all. */
  Semaphore slots() {
    return slots;
  }
}
