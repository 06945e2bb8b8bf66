package eu.runlater.queues;

import java.time.Instant;

/**
 * A queue as the API shows it.
 *
 * @param waiting messages held by the queue (delayed, or waiting for room)
 * @param inFlight released messages not yet finished (being delivered or waiting for a retry)
 * @param dead messages in the dead-letter list
 */
public record QueueView(
    String name,
    int parallelism,
    RateView rate,
    int retries,
    int timeoutMs,
    boolean paused,
    long waiting,
    long inFlight,
    long dead,
    Instant createdAt,
    Instant updatedAt) {

  public record RateView(int limit, String per) {}

  static QueueView of(Queue q, Queues.Stats stats) {
    return new QueueView(
        q.name(),
        q.parallelism(),
        q.rate() == null ? null : new RateView(q.rate().limit(), q.rate().per()),
        q.retries(),
        q.timeoutMs(),
        q.paused(),
        stats.waiting(),
        stats.inFlight(),
        stats.dead(),
        q.createdAt(),
        q.updatedAt());
  }
}
