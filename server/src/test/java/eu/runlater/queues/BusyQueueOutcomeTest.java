package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A message's outcome is recorded while another transaction holds its queue's row (a release after
 * a push, on a timer, or on another node): the completer does not wait for it, and the room the
 * message left is used once both have committed.
 */
class BusyQueueOutcomeTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("latch").isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The state of the queue's n-th message, in push order. */
  private String state(UUID queueId, int n) {
    return jdbc.sql("SELECT state FROM messages WHERE queue_id = :q ORDER BY id OFFSET :n LIMIT 1")
        .param("q", queueId)
        .param("n", n)
        .query(String.class)
        .single();
  }

  @Test
  void an_outcome_is_recorded_while_its_queue_is_locked_and_the_next_message_goes_after()
      throws Exception {
    var t = fixtures.tenant();
    assertThat(
            api.put("/api/v1/queues/busy", t.key(), "{\"parallelism\": 1, \"paused\": true}")
                .status())
        .isEqualTo(201);
    CountDownLatch answerFirst = new CountDownLatch(1);
    sink.respond(
        r -> {
          if (r.path().equals("/first")) {
            await(answerFirst);
          }
          return Reply.status(200);
        });
    for (String path : new String[] {"/first", "/second"}) {
      var pushed =
          api.post(
              "/api/v1/queues/busy/messages",
              t.key(),
              "{\"url\": \"%s\", \"body\": {}}".formatted(sink.url(path)));
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
    }
    assertThat(api.post("/api/v1/queues/busy/resume", t.key(), "").status()).isEqualTo(200);
    sink.awaitCount(1, WAIT);
    UUID queueId =
        jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = 'busy'")
            .param("o", t.id())
            .query(UUID.class)
            .single();

    // Another transaction takes the queue's row as a release does, and keeps it.
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch unlock = new CountDownLatch(1);
    ExecutorService thread = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () ->
                tx.executeWithoutResult(
                    s -> {
                      jdbc.sql("SELECT id FROM queues WHERE id = :id FOR NO KEY UPDATE")
                          .param("id", queueId)
                          .query(UUID.class)
                          .single();
                      locked.countDown();
                      await(unlock);
                    }),
            thread);
    await(locked);

    // The first message's outcome commits while the row is held (the completer would wait here
    // until the end of the test if it took the row's lock as the release it makes does).
    answerFirst.countDown();
    Sink.await(
        WAIT, "the first message recorded delivered", () -> "delivered".equals(state(queueId, 0)));
    assertThat(state(queueId, 1)).isEqualTo("waiting");
    assertThat(sink.count()).isEqualTo(1);

    // Once the holder commits, the room the first left goes to the second.
    unlock.countDown();
    holder.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    thread.shutdown();
    sink.awaitCount(2, WAIT);
    Sink.await(WAIT, "the second message delivered", () -> "delivered".equals(state(queueId, 1)));
    assertThat(sink.received().get(1).path()).isEqualTo("/second");
  }
}
