package eu.runlater.executions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.support.LogCapture;
import eu.runlater.support.ServerTest;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live feed over the real database, driven pass by pass with {@code runOnce()}; its streams
 * have no HTTP behind them, so a test can see what each was sent and close it as a client would.
 */
class LiveFeedTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired org.springframework.transaction.support.TransactionTemplate tx;

  /** A clock that can be made to fail, which fails the fingerprint query's parameters. */
  final AtomicBoolean clockBroken = new AtomicBoolean();

  /** How far ahead of real time the feed's clock runs. */
  final java.util.concurrent.atomic.AtomicReference<java.time.Duration> ahead =
      new java.util.concurrent.atomic.AtomicReference<>(java.time.Duration.ZERO);

  LiveFeed feed;

  @BeforeEach
  void feed() {
    InstantSource clock =
        () -> {
          if (clockBroken.get()) {
            throw new IllegalStateException("clock broken for the test");
          }
          return Instant.now().plus(ahead.get());
        };
    feed = new LiveFeed(jdbc, clock);
  }

  @Test
  void a_page_rendered_at_the_current_fingerprint_is_not_told_to_refetch_on_connect() {
    UUID org = fixtures.tenant().id();
    String seen = feed.fingerprint(org);
    Stream current = new Stream();
    feed.subscribe(org, seen, current);
    assertThat(current.events).containsExactly(":connected\n\n");

    // Rendered before a change: the first event makes it re-fetch.
    execution(org);
    Stream stale = new Stream();
    feed.subscribe(org, seen, stale);
    assertThat(stale.events).containsExactly("event:executions\ndata:connected\n\n");
    // Both get the next change.
    execution(org);
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(current.events).hasSize(2);
    assertThat(stale.events).hasSize(2);
    assertThat(current.events.getLast()).startsWith("event:executions\ndata:");
  }

  @Test
  void a_stream_opened_after_its_organizations_last_one_closed_gets_the_next_change() {
    UUID org = fixtures.tenant().id();
    Stream first = new Stream();
    feed.subscribe(org, first);
    assertThat(first.events).containsExactly("event:executions\ndata:connected\n\n");
    first.close();
    assertThat(feed.watching(org)).isFalse();
    feed.runOnce();

    Stream second = new Stream();
    feed.subscribe(org, second);
    assertThat(feed.watching(org)).isTrue();
    assertThat(feed.runOnce()).isZero();
    execution(org);
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(second.events).hasSize(2);
    assertThat(second.events.getLast()).startsWith("event:executions\ndata:").endsWith("/1\n\n");
    assertThat(first.events).hasSize(1);
  }

  @Test
  void a_change_no_execution_shows_is_told_once_it_commits_and_not_if_it_rolls_back() {
    UUID org = fixtures.tenant().id();
    Stream stream = new Stream();
    feed.subscribe(org, stream);
    assertThat(feed.runOnce()).isZero();
    tx.executeWithoutResult(
        status -> {
          feed.changed(org);
          status.setRollbackOnly();
        });
    assertThat(feed.runOnce()).isZero();
    tx.executeWithoutResult(status -> feed.changed(org));
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(stream.events).hasSize(2);
    assertThat(feed.runOnce()).isZero();
  }

  @Test
  void a_stream_at_its_timeout_ends_normally_and_leaves_the_feed() {
    UUID org = fixtures.tenant().id();
    Stream stream = new Stream();
    feed.subscribe(org, stream);
    assertThat(feed.watching(org)).isTrue();
    stream.timeOut();
    // Completed (the response ends and htmx reconnects), and no longer watched.
    assertThat(stream.completed).isTrue();
    assertThat(feed.watching(org)).isFalse();
    execution(org);
    assertThat(feed.runOnce()).isZero();
  }

  @Test
  void an_execution_ageing_out_of_the_window_is_not_a_change() {
    UUID org = fixtures.tenant().id();
    Stream stream = new Stream();
    feed.subscribe(org, stream);
    execution(org);
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(stream.events).hasSize(2);

    // Minutes later the execution is older than the window: nothing happened, nothing is sent.
    ahead.set(LiveFeed.WINDOW.plusMinutes(1));
    assertThat(feed.runOnce()).isZero();
    assertThat(stream.events).hasSize(2);
    // A new one still is a change.
    execution(org);
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(stream.events).hasSize(3);
  }

  @Test
  void a_stream_whose_first_fingerprint_fails_is_refused_and_leaves_nothing_behind() {
    UUID org = fixtures.tenant().id();
    Stream refused = new Stream();
    clockBroken.set(true);
    assertThatThrownBy(() -> feed.subscribe(org, refused)).hasMessageContaining("clock broken");
    clockBroken.set(false);

    execution(org);
    assertThat(feed.runOnce()).isZero();
    execution(org);
    assertThat(feed.runOnce()).isZero();
    assertThat(feed.watching(org)).isFalse();
    assertThat(refused.events).isEmpty();
  }

  @Test
  void passes_failing_in_a_row_log_one_warning_and_one_line_when_they_work_again() {
    UUID org = fixtures.tenant().id();
    feed.subscribe(org, new Stream());
    try (LogCapture logs = LogCapture.of(LiveFeed.class)) {
      clockBroken.set(true);
      for (int i = 0; i < 3; i++) {
        feed.pass();
      }
      assertThat(logs.at(Level.WARN))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getFormattedMessage())
                    .startsWith("Live updates of executions failed; retrying quietly");
                assertThat(e.getThrowableProxy().getMessage())
                    .isEqualTo("clock broken for the test");
              });
      assertThat(logs.at(Level.DEBUG)).hasSize(2);
      clockBroken.set(false);
      feed.pass();
      feed.pass();
      logs.assertOneRecovery("Live updates of executions", 3);
      assertThat(logs.at(Level.WARN)).hasSize(1);
    }
  }

  @Test
  void a_stream_whose_client_went_away_is_dropped_and_with_it_the_organization() {
    UUID org = fixtures.tenant().id();
    Stream staying = new Stream();
    Stream leaving = new Stream();
    feed.subscribe(org, staying);
    feed.subscribe(org, leaving);
    leaving.gone = true;
    execution(org);
    assertThat(feed.runOnce()).isEqualTo(1);
    assertThat(staying.events).hasSize(2);
    assertThat(feed.watching(org)).isTrue();

    staying.gone = true;
    execution(org);
    feed.runOnce();
    assertThat(feed.watching(org)).isFalse();
  }

  @Test
  void streams_opening_and_closing_while_passes_run_are_never_left_out() throws Exception {
    List<UUID> orgs = List.of(fixtures.tenant().id(), fixtures.tenant().id());
    AtomicBoolean running = new AtomicBoolean(true);
    Thread passes =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get()) {
                    feed.runOnce();
                  }
                });
    List<Stream> open = new CopyOnWriteArrayList<>();
    List<Thread> tabs = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      UUID org = orgs.get(t % orgs.size());
      tabs.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 100; i++) {
                      Stream tab = new Stream();
                      feed.subscribe(org, tab);
                      if (i % 10 == 9) {
                        open.add(tab);
                      } else {
                        tab.close();
                      }
                    }
                  }));
    }
    for (Thread tab : tabs) {
      tab.join(java.time.Duration.ofSeconds(30));
    }
    running.set(false);
    passes.join(java.time.Duration.ofSeconds(30));
    assertThat(tabs).noneMatch(Thread::isAlive);

    orgs.forEach(this::execution);
    feed.runOnce();
    // Every stream still open heard of the change: none joined a watch that had left the map.
    assertThat(open).hasSize(40);
    assertThat(open)
        .allSatisfy(
            tab ->
                assertThat(tab.events.getLast())
                    .startsWith("event:executions\ndata:")
                    .isNotEqualTo("event:executions\ndata:connected\n\n"));
  }

  /**
   * An execution of {@code org} that started now by the feed's clock, as the engine records one.
   */
  private void execution(UUID org) {
    Instant now = Instant.now().plus(ahead.get()).truncatedTo(ChronoUnit.MILLIS);
    Map<String, Object> p = new HashMap<>();
    p.put("id", Ids.v7(now));
    p.put("now", SqlTime.ts(now));
    p.put("org", org);
    p.put("task", UUID.randomUUID());
    p.put("source", UUID.randomUUID());
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    started_at, finished_at, duration_us, status_code)
            VALUES (:id, :now, :org, :task, 'job', :source, 1, 'success', true, :now, :now, :now,
                    :now, 1500, 200)
            """)
        .params(p)
        .update();
  }

  /**
   * A stream with no HTTP behind it: records what it is sent, fails sends once its client is {@code
   * gone}, and closes as the container closes one whose client left.
   */
  static final class Stream extends SseEmitter {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile boolean gone;
    private volatile Runnable completion;
    private volatile Runnable timeout;
    volatile boolean completed;

    @Override
    public void send(SseEventBuilder event) throws IOException {
      if (gone) {
        throw new IOException("client went away");
      }
      events.add(
          event.build().stream().map(d -> d.getData().toString()).collect(Collectors.joining()));
    }

    @Override
    public void onCompletion(Runnable callback) {
      completion = callback;
      super.onCompletion(callback);
    }

    @Override
    public void onTimeout(Runnable callback) {
      timeout = callback;
      super.onTimeout(callback);
    }

    @Override
    public synchronized void complete() {
      completed = true;
      super.complete();
    }

    void close() {
      completion.run();
    }

    /** As the container does when the stream reaches its timeout. */
    void timeOut() {
      timeout.run();
    }
  }
}
