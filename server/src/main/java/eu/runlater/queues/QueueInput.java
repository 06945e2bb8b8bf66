package eu.runlater.queues;

/**
 * A queue's settings as {@code PUT /api/v1/queues/{name}} accepts them; absent fields take the
 * defaults.
 *
 * @param parallelism released messages not yet finished, at most: 1 to 1000 (default 10); 1 keeps
 *     the queue strictly first in, first out
 * @param rate at most {@code limit} starts per {@code per} ({@code second} or {@code minute}); null
 *     for no limit
 * @param retries the default for its messages, 0 to 10 (default 5)
 * @param timeoutMs the default for its messages, 1000 to 300000 (default 30000)
 */
record QueueInput(
    Integer parallelism, RateInput rate, Integer retries, Integer timeoutMs, Boolean paused) {

  public record RateInput(Integer limit, String per) {}
}
