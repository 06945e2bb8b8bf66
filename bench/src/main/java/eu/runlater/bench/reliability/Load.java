package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Work submitted through the public API as a careful client submits it: one-time jobs (each with an
 * {@code Idempotency-Key}) and queue messages in batches (each with a {@code dedup_id}), so a
 * request whose answer was lost (a node killed mid-request, the database away) is sent again, to
 * another node, without making a second job or message. What was acknowledged (2xx) is {@link
 * #accepted}; what never was, after retrying for {@link #PATIENCE}, is {@link #unacknowledged}.
 */
final class Load {
  static final String QUEUE = "battery";
  static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final int BATCH = 250;

  private final Cluster c;
  private final AtomicLong seqs;
  private final long deliveryMs;
  private final int timeoutMs;
  final Set<Long> accepted = ConcurrentHashMap.newKeySet();
  final Set<Long> unacknowledged = ConcurrentHashMap.newKeySet();
  final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
  final LongAdder retries = new LongAdder();
  private final Semaphore inFlight = new Semaphore(48);

  private volatile boolean stopped;

  /** Ends a {@link #steady} load before its duration (it still waits for its answers). */
  void stop() {
    stopped = true;
  }

  /** When this load was made: the scenario's deliveries are those that arrive after. */
  final long createdNanos = System.nanoTime();

  /**
   * @param deliveryMs how long the sink takes to answer each delivery
   * @param timeoutMs the jobs' {@code timeout_ms} (messages take the queue's)
   */
  Load(Cluster c, AtomicLong seqs, long deliveryMs, int timeoutMs) {
    this.c = c;
    this.seqs = seqs;
    this.deliveryMs = deliveryMs;
    this.timeoutMs = timeoutMs;
  }

  /** Creates the queue the messages go to: parallelism 1,000, the queue's timeout as the jobs'. */
  static void createQueue(Cluster c, int timeoutMs) {
    Api.Answer a =
        c.api.send(
            c.nodes.getFirst().base(),
            "PUT",
            "/api/v1/queues/" + QUEUE,
            "{\"parallelism\": 1000, \"timeout_ms\": %d}".formatted(timeoutMs),
            null);
    if (!a.ok()) {
      throw new IllegalStateException("PUT queue answered " + a.status() + " " + a.body());
    }
  }

  private void count(Api.Answer a) {
    answers.computeIfAbsent(a.status(), k -> new LongAdder()).increment();
  }

  /** Submits one job until acknowledged or out of patience; true when acknowledged. */
  boolean job(long seq) {
    String body = Api.jobJson("s" + seq, c.ledger.url(seq, deliveryMs), "1s", null, timeoutMs, 5);
    return submit(List.of(seq), "POST", "/api/v1/jobs", body, "s" + seq);
  }

  /** Pushes a batch of messages until acknowledged or out of patience. */
  boolean messages(List<Long> batch) {
    StringBuilder body = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < batch.size(); i++) {
      long seq = batch.get(i);
      body.append(i == 0 ? "" : ",")
          .append(Api.messageJson(QUEUE, c.ledger.url(seq, deliveryMs), "s" + seq));
    }
    body.append("]}");
    return submit(batch, "POST", "/api/v1/messages/batch", body.toString(), null);
  }

  private boolean submit(List<Long> batch, String method, String path, String body, String key) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      List<Node> alive = c.alive();
      if (alive.isEmpty()) {
        sleep(200);
        continue;
      }
      Node n = alive.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(alive.size()));
      Api.Answer a = c.api.send(n.base(), method, path, body, key);
      count(a);
      if (a.ok()) {
        accepted.addAll(batch);
        return true;
      }
      if (a.status() >= 400 && a.status() < 500 && a.status() != 429 && a.status() != 408) {
        System.out.printf("    refused %s %d: %s%n", path, a.status(), a.body());
        break;
      }
      retries.increment();
      sleep(a.retryAfter() != null ? 1000 : 250);
    }
    unacknowledged.addAll(batch);
    return false;
  }

  /** {@code jobs} jobs and {@code messages} messages, as fast as {@code concurrency} allows. */
  void bulk(int jobs, int messages) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      long seq = seqs.incrementAndGet();
      inFlight.acquire();
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      job(seq);
                    } finally {
                      inFlight.release();
                    }
                  }));
    }
    for (int done = 0; done < messages; done += BATCH) {
      List<Long> batch = new ArrayList<>();
      for (int k = 0; k < Math.min(BATCH, messages - done); k++) {
        batch.add(seqs.incrementAndGet());
      }
      inFlight.acquire(8);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      messages(batch);
                    } finally {
                      inFlight.release(8);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * Offers {@code perSecond} items a second (half jobs, half messages) for {@code duration}, in
   * ticks of 100 ms; returns the thread, which ends when every submission has been answered.
   */
  Thread steady(double perSecond, Duration duration) {
    return Thread.ofPlatform()
        .name("load")
        .start(
            () -> {
              List<Thread> submitters = new ArrayList<>();
              long start = System.nanoTime();
              long end = start + duration.toNanos();
              double owed = 0;
              boolean jobTurn = true;
              for (long tick = 0; start + tick * 100_000_000L < end && !stopped; tick++) {
                long at = start + tick * 100_000_000L;
                long wait = at - System.nanoTime();
                if (wait > 0) {
                  sleep(wait / 1_000_000);
                }
                owed += perSecond / 10;
                int n = (int) owed;
                owed -= n;
                List<Long> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                  long seq = seqs.incrementAndGet();
                  if (jobTurn) {
                    if (!inFlight.tryAcquire()) {
                      seqs.decrementAndGet();
                      continue; // the API is behind: the offered load drops rather than queues
                    }
                    submitters.add(
                        Thread.ofVirtual()
                            .start(
                                () -> {
                                  try {
                                    job(seq);
                                  } finally {
                                    inFlight.release();
                                  }
                                }));
                  } else {
                    batch.add(seq);
                  }
                  jobTurn = !jobTurn;
                }
                if (!batch.isEmpty()) {
                  inFlight.acquireUninterruptibly();
                  submitters.add(
                      Thread.ofVirtual()
                          .start(
                              () -> {
                                try {
                                  messages(batch);
                                } finally {
                                  inFlight.release();
                                }
                              }));
                }
              }
              for (Thread t : submitters) {
                try {
                  t.join();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });
  }

  String answersSummary() {
    StringBuilder s = new StringBuilder();
    new java.util.TreeMap<>(answers)
        .forEach(
            (k, v) ->
                s.append(s.isEmpty() ? "" : ", ")
                    .append(k == -1 ? "none" : k)
                    .append(" x")
                    .append(v.sum()));
    return s.toString();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
