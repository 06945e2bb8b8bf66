package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Engine;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A push and a release of the same queues at once, each taking the queues in its own order: a batch
 * push in the order of its messages, a message's outcome in queue id order. Neither may wait for
 * the other (docs/reliability.md: R2 answered 500 on {@code deadlock detected}).
 */
class PushLockOrderTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @Autowired Messages messages;
  @Autowired Release release;
  @Autowired Engine engine;
  @Autowired TransactionalConnection connection;
  @Autowired TransactionTemplate tx;
  @Autowired JdbcClient jdbc;

  private record Named(UUID id, String name) {}

  private static MessageInput message(String queue) {
    return new MessageInput(
        queue,
        "http://127.0.0.1:9/" + queue,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "1h",
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private void release(UUID queueId) {
    try {
      release.release(
          jdbc,
          tasks -> engine.tasks().insert(connection.current(), tasks),
          queueId,
          Instant.now());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("latch").isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_batch_push_and_a_release_taking_two_queues_in_opposite_orders_both_commit()
      throws Exception {
    var t = fixtures.tenant();
    for (String name : List.of("alpha", "beta")) {
      assertThat(api.put("/api/v1/queues/" + name, t.key(), "{}").status()).isEqualTo(201);
    }
    List<Named> queues =
        jdbc
            .sql("SELECT id, name FROM queues WHERE organization_id = :o")
            .param("o", t.id())
            .query((rs, n) -> new Named(rs.getObject("id", UUID.class), rs.getString("name")))
            .list()
            .stream()
            .sorted(Comparator.comparing(Named::id))
            .toList();
    Named first = queues.get(0);
    Named second = queues.get(1);

    CountDownLatch pushedSecond = new CountDownLatch(1);
    CountDownLatch releasedFirst = new CountDownLatch(1);
    AtomicInteger pushPid = new AtomicInteger();
    AtomicBoolean pushedBoth = new AtomicBoolean();
    // The push: a message to the second queue, then (once the release holds the first) one to the
    // first, in one transaction, as a batch of [second, first] does.
    // Two threads of their own: the common pool may have one, and each side waits for the other.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    CompletableFuture<Void> push =
        CompletableFuture.runAsync(
            () ->
                tx.executeWithoutResult(
                    s -> {
                      pushPid.set(
                          jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single());
                      messages.pushBatch(t.id(), List.of(message(second.name())));
                      pushedSecond.countDown();
                      await(releasedFirst);
                      messages.pushBatch(t.id(), List.of(message(first.name())));
                      pushedBoth.set(true);
                    }),
            threads);
    // The outcome side: releases the first queue, then (once the push waits or is done) the
    // second, in one transaction, as MessageOutcomes does for messages of both.
    CompletableFuture<Void> releases =
        CompletableFuture.runAsync(
            () -> {
              await(pushedSecond);
              tx.executeWithoutResult(
                  s -> {
                    release(first.id());
                    releasedFirst.countDown();
                    Sink.await(
                        WAIT,
                        "the push is done or waits for a lock",
                        () ->
                            pushedBoth.get()
                                || "Lock"
                                    .equals(
                                        jdbc.sql(
                                                "SELECT wait_event_type FROM pg_stat_activity"
                                                    + " WHERE pid = :pid")
                                            .param("pid", pushPid.get())
                                            .query(String.class)
                                            .optional()
                                            .orElse(null)));
                    release(second.id());
                  });
            },
            threads);

    push.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    releases.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    threads.shutdown();
    assertThat(
            jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :o")
                .param("o", t.id())
                .query(Long.class)
                .single())
        .isEqualTo(2);
  }
}
