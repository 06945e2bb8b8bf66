package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks an outcome hook inserts, due now, start on this node's free workers from the completer's
 * transaction, claimed there with a lease and a fencing token, without a claim by the producer —
 * within the share of the organizations whose tasks the batch finished.
 */
class HandOffTest {
  static final UUID OTHER = UUID.fromString("0190c0de-0000-7000-8000-000000000002");

  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  /** Polling so rare that only a wake-up or a hand-off can explain a prompt delivery. */
  private EngineConfig.Builder noPolling() {
    return fixture.config().pollInterval(Duration.ofMinutes(10));
  }

  private static void awaitAsleep(Engine engine) {
    Sink.await(
        Duration.ofSeconds(10),
        "the engine to go to sleep",
        () -> engine.wakeups().plannedWake().isAfter(Instant.now().plusSeconds(60)));
  }

  private NewTask link(int n) {
    return fixture.task(sink.url("/link/" + n), Instant.now());
  }

  /**
   * Runs a chain of {@code links} tasks, each inserted by the outcome of the one before (handing
   * off or not); returns how many claims the producer made for it.
   */
  private long chain(int links, boolean handingOff) throws Exception {
    Engine engine =
        fixture.engine(
            noPolling().build(),
            java.time.InstantSource.system(),
            finished -> {
              for (Completion c : finished.outcomes()) {
                String url = c.task().request().url();
                int n = Integer.parseInt(url.substring(url.lastIndexOf('/') + 1));
                if (n + 1 < links) {
                  if (handingOff) {
                    finished.insertHandingOff(List.of(link(n + 1)));
                  } else {
                    finished.insert(List.of(link(n + 1)));
                  }
                }
              }
            });
    engine.start();
    awaitAsleep(engine);
    long claimsBefore = engine.producer().claims();

    fixture.insert(engine, List.of(link(0)));
    sink.awaitCount(links, Duration.ofSeconds(10));

    List<String> paths = new ArrayList<>();
    for (Sink.Received r : sink.received()) {
      paths.add(r.path());
    }
    assertThat(paths)
        .containsExactly(
            java.util.stream.IntStream.range(0, links)
                .mapToObj(i -> "/link/" + i)
                .toArray(String[]::new));
    Sink.await(
        Duration.ofSeconds(10),
        "every link recorded",
        () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == links);
    // Each one a first attempt of its own, and none left behind.
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE attempt = 1")).isEqualTo(links);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    return engine.producer().claims() - claimsBefore;
  }

  @Test
  void a_chain_of_successors_runs_from_the_completer_without_the_producers_claims()
      throws Exception {
    // The first link took a claim; the later ones are handed off whether the producer sleeps or
    // is still busy after that claim (which took everything due), so a second claim comes only
    // from a wake-up that found nothing.
    assertThat(chain(10, true)).isLessThanOrEqualTo(2);
  }

  @Test
  void successors_inserted_without_hand_off_wait_for_the_producers_claim() throws Exception {
    assertThat(chain(5, false)).isGreaterThanOrEqualTo(5);
  }

  @Test
  void an_outcome_hands_off_no_more_than_its_organizations_share_and_the_rest_is_claimed()
      throws Exception {
    Engine engine =
        fixture.engine(
            noPolling().build(),
            java.time.InstantSource.system(),
            finished -> {
              for (Completion c : finished.outcomes()) {
                if (c.task().request().url().endsWith("/first")) {
                  // One of the finished task's organization (its share: one), one more of it, and
                  // one of an organization with nothing finished here.
                  NewTask other = EngineFixture.task(OTHER, 5, Instant.now());
                  finished.insertHandingOff(
                      List.of(
                          fixture.task(sink.url("/a1"), Instant.now()),
                          fixture.task(sink.url("/a2"), Instant.now()),
                          new NewTask(
                              other.id(),
                              OTHER,
                              other.sourceKind(),
                              other.sourceId(),
                              other.priority(),
                              other.runAt(),
                              other.scheduledFor(),
                              other.maxAttempts(),
                              other.backoff(),
                              fixture.task(sink.url("/b"), Instant.now()).request())));
                }
              }
            });
    engine.start();
    awaitAsleep(engine);
    long claimsBefore = engine.producer().claims();

    fixture.insert(engine, List.of(fixture.task(sink.url("/first"), Instant.now())));
    sink.awaitCount(4, Duration.ofSeconds(10));

    // The first task's claim, and at least one more for what the hand-off left: had it taken all
    // three, the producer would have had nothing to claim.
    assertThat(engine.producer().claims() - claimsBefore).isGreaterThanOrEqualTo(2);
    Sink.await(
        Duration.ofSeconds(10),
        "every task recorded",
        () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == 4);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  /**
   * An engine whose sink holds /slow's reply until {@code slowReply}, whose claim of /busy holds
   * the producer inside its claim (working, not asleep) until {@code claimDone}, and whose outcome
   * of /slow inserts /next, due now, handing it off.
   */
  private final class Held {
    final CountDownLatch slowReply = new CountDownLatch(1);
    final CountDownLatch claiming = new CountDownLatch(1);
    final CountDownLatch claimDone = new CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicReference<UUID> next =
        new java.util.concurrent.atomic.AtomicReference<>();
    final Engine engine;

    Held(EngineConfig config) {
      sink.respond(
          request -> {
            if (request.path().equals("/slow")) {
              await(slowReply);
            }
            return Sink.Reply.status(200);
          });
      engine =
          fixture.stopsWithFixture(
              Engine.builder(config)
                  .database(fixture.pool, fixture.dedicated())
                  .http(fixture.http())
                  .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
                  .hook(
                      claim -> {
                        for (ClaimedTask task : claim.tasks()) {
                          if (task.request().url().endsWith("/busy")) {
                            claiming.countDown();
                            await(claimDone);
                          }
                        }
                        return claim.tasks();
                      })
                  .outcomes(
                      finished -> {
                        for (Completion c : finished.outcomes()) {
                          if (c.task().request().url().endsWith("/slow")) {
                            NewTask task = fixture.task(sink.url("/next"), Instant.now());
                            next.set(task.id());
                            finished.insertHandingOff(List.of(task));
                          }
                        }
                      })
                  .build());
    }

    private static void await(CountDownLatch latch) {
      try {
        latch.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Starts the engine and delivers /slow, whose reply waits; returns once it is being sent. */
    void slowInFlight() throws Exception {
      engine.start();
      awaitAsleep(engine);
      fixture.insert(engine, List.of(fixture.task(sink.url("/slow"), Instant.now())));
      sink.awaitCount(1, Duration.ofSeconds(10));
    }

    /** Lets the producer's claim of /busy end, and waits until every task is recorded. */
    void finish(int tasks) throws Exception {
      claimDone.countDown();
      sink.awaitCount(tasks, Duration.ofSeconds(10));
      Sink.await(
          Duration.ofSeconds(10),
          "every task recorded",
          () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == tasks);
      assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
    }
  }

  @Test
  void a_successor_is_handed_off_while_the_producer_works_after_a_claim_that_took_everything_due()
      throws Exception {
    Held held = new Held(noPolling().build());
    // Its claim takes /slow, all that is due, with workers to spare.
    held.slowInFlight();
    fixture.insert(held.engine, List.of(fixture.task(sink.url("/busy"), Instant.now())));
    assertThat(held.claiming.await(10, TimeUnit.SECONDS)).isTrue();
    long claimsBefore = held.engine.producer().claims();

    held.slowReply.countDown();
    // /next goes out while the producer is still inside its claim of /busy: only the hand-off
    // can have started it.
    Sink.await(
        Duration.ofSeconds(10),
        "/next delivered while the producer claims",
        () -> sink.received().stream().anyMatch(r -> r.path().equals("/next")));
    assertThat(held.claimDone.getCount()).isOne();
    assertThat(held.engine.producer().claims()).isEqualTo(claimsBefore);
    held.finish(3);
  }

  @Test
  void no_successor_is_handed_off_while_the_producers_last_claim_took_all_it_asked_for()
      throws Exception {
    Held held = new Held(noPolling().claimBatch(2).build());
    held.slowInFlight();
    // One claim takes /a and /b, all it asks for (due tasks may be left: no hand-off now); the
    // next one takes /busy and holds the producer there.
    Instant now = Instant.now();
    fixture.insert(
        held.engine,
        List.of(
            fixture.task(sink.url("/a"), now.minusSeconds(2)),
            fixture.task(sink.url("/b"), now.minusSeconds(2)),
            fixture.task(sink.url("/busy"), now.minusSeconds(1))));
    assertThat(held.claiming.await(10, TimeUnit.SECONDS)).isTrue();

    held.slowReply.countDown();
    // The hand-off is decided in the transaction that records /slow's outcome: once that is
    // visible, /next is either running (handed off) or ready (left to the claim).
    Sink.await(
        Duration.ofSeconds(10),
        "/slow's outcome recorded",
        () ->
            // /a, /b and /slow: /busy is held in its claim, /next comes after /slow.
            fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") >= 3);
    assertThat(held.next.get()).isNotNull();
    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE id = '"
                    + held.next.get()
                    + "' AND state = 'ready'"))
        .isOne();
    held.finish(5);
  }
}
