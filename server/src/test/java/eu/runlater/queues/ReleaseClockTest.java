package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.NewTask;
import eu.runlater.support.ServerTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A release that waited for its queue's row plans a rate-limited queue's starts from when it got
 * the row, not from when it was asked: planned from the earlier instant, the slots of the wait lay
 * in the past and started at once, over the rate.
 */
class ReleaseClockTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration HELD = Duration.ofMillis(1_000);
  @Autowired JdbcClient jdbc;
  @Autowired TransactionTemplate tx;
  @Autowired Release release;
  @Autowired DataSource dataSource;

  @Test
  void a_release_that_waited_for_the_row_spaces_its_starts_from_when_it_got_it() throws Exception {
    var t = fixtures.tenant();
    var created =
        api.put(
            "/api/v1/queues/spaced",
            t.key(),
            "{\"rate\": {\"limit\": 10, \"per\": \"second\"}, \"paused\": true}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    for (int i = 0; i < 5; i++) {
      var pushed =
          api.post(
              "/api/v1/queues/spaced/messages",
              t.key(),
              "{\"url\": \"https://spaced.example.test/" + i + "\", \"body\": {}}");
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(201);
    }
    UUID queueId =
        jdbc.sql("SELECT id FROM queues WHERE organization_id = :o AND name = 'spaced'")
            .param("o", t.id())
            .query(UUID.class)
            .single();
    // Unpaused behind the API's back, so that no release runs but the one below.
    jdbc.sql("UPDATE queues SET paused = false WHERE id = :id").param("id", queueId).update();

    // Another transaction holds the row (as a push's release, a timer's or another node's
    // completer would) until the release below waits for it, and a second longer.
    CountDownLatch held = new CountDownLatch(1);
    Instant[] freed = new Instant[1];
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () ->
                tx.executeWithoutResult(
                    s -> {
                      jdbc.sql("SELECT id FROM queues WHERE id = :id FOR NO KEY UPDATE")
                          .param("id", queueId)
                          .query(UUID.class)
                          .single();
                      held.countDown();
                      awaitReleaseWaiting();
                      try {
                        // Not a wait for something: the scenario is a row held this long.
                        Thread.sleep(HELD);
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      freed[0] = Instant.now();
                    }));
    assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    Instant asked = Instant.now();
    List<NewTask> planned = new ArrayList<>();
    tx.executeWithoutResult(
        s -> {
          try {
            release.release(jdbc, planned::addAll, queueId, asked);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    holder.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(planned).hasSize(5);
    assertThat(Duration.between(asked, freed[0])).isGreaterThanOrEqualTo(HELD);
    // Planned from the asking instant, the first four starts would have fallen inside the wait.
    assertThat(planned.getFirst().runAt()).isAfterOrEqualTo(freed[0]);
    for (int i = 1; i < planned.size(); i++) {
      assertThat(Duration.between(planned.get(i - 1).runAt(), planned.get(i).runAt()))
          .isEqualTo(Duration.ofMillis(100));
    }
  }

  /**
   * Until another session waits for a lock with the release's statement: the release, blocked on
   * the row. Asked on a connection of its own (within a transaction, pg_stat_activity is read
   * once).
   */
  private void awaitReleaseWaiting() {
    eu.runlater.testing.Sink.await(
        WAIT,
        "the release waiting for the queue's row",
        () -> {
          try (Connection c = dataSource.getConnection();
              PreparedStatement st =
                  c.prepareStatement(
                      "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                          + " AND query LIKE '%FOR NO KEY UPDATE OF q%'");
              ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
