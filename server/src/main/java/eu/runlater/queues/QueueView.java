package eu.runlater.queues;

import java.time.Instant;

/**
 * A queue as the API shows it.
 *
 * @param waiting messages held by the queue (delayed, or waiting for room)
 * @param inFlight released messages not yet finished (being delivered or waiting for a retry)
 * @param dead messages in the dead-letter list
 * @param measured what the queue finished in the last minute, and the rate that makes
 * @param owner who made it for their own use ({@code inbound connection}), null for your own: an
 *     owned queue is changed, paused and deleted through its owner
 */
record QueueView(
    String name,
    int parallelism,
    RateView rate,
    int retries,
    int timeoutMs,
    boolean paused,
    long waiting,
    long inFlight,
    long dead,
    Measured measured,
    Instant createdAt,
    Instant updatedAt,
    String owner) {

  public record RateView(int limit, String per) {}

  /**
   * @param deliveredLastMinute messages delivered in the last 60 seconds
   * @param failedLastMinute messages that went to the dead-letter list in the last 60 seconds
   * @param perSecond both together, per second
   */
  public record Measured(long deliveredLastMinute, long failedLastMinute, double perSecond) {}

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
        new Measured(
            stats.deliveredLastMinute(),
            stats.failedLastMinute(),
            Math.round(stats.finishedPerSecond() * 100) / 100.0),
        q.createdAt(),
        q.updatedAt(),
        q.owner());
  }
}
