package eu.runlater.engine.http;

/**
 * The state of one {@link HttpDelivery#send} that the layers below need: its deadline, and whether
 * the deadline has fired. Handed to the resolver through a {@link ScopedValue} because HttpClient's
 * {@code DnsResolver} gets only a host name, and the classic client runs the whole exchange on the
 * calling thread.
 */
final class Attempt {
  static final ScopedValue<Attempt> CURRENT = ScopedValue.newInstance();

  private final long deadlineNanos;
  private volatile boolean expired;

  Attempt(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  /** Called when the deadline fires, before the request is cancelled. */
  void expire() {
    expired = true;
  }

  /** Whether the deadline fired or has passed. */
  boolean expired() {
    return expired || remainingNanos() <= 0;
  }
}
