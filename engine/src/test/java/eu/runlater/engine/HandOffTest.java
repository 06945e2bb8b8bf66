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

  @Test
  void a_successor_is_handed_off_while_the_producer_works_after_a_claim_that_took_everything_due()
      throws Exception {
    CountDownLatch slowReply = new CountDownLatch(1);
    CountDownLatch claiming = new CountDownLatch(1);
    CountDownLatch claimDone = new CountDownLatch(1);
    sink.respond(
        request -> {
          if (request.path().equals("/slow")) {
            try {
              slowReply.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return Sink.Reply.status(200);
        });
    Engine engine =
        fixture.stopsWithFixture(
            Engine.builder(noPolling().build())
                .database(fixture.pool, fixture.dedicated())
                .http(fixture.http())
                .secrets(fixture.secrets, org -> List.of(EngineFixture.SECRET))
                // Holds the producer inside its claim of /busy: working, not asleep.
                .hook(
                    claim -> {
                      for (ClaimedTask task : claim.tasks()) {
                        if (task.request().url().endsWith("/busy")) {
                          claiming.countDown();
                          try {
                            claimDone.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }
                      return claim.tasks();
                    })
                .outcomes(
                    finished -> {
                      for (Completion c : finished.outcomes()) {
                        if (c.task().request().url().endsWith("/slow")) {
                          finished.insertHandingOff(
                              List.of(fixture.task(sink.url("/next"), Instant.now())));
                        }
                      }
                    })
                .build());
    engine.start();
    awaitAsleep(engine);
    // Its claim takes /slow, all that is due, with workers to spare; /slow's reply waits.
    fixture.insert(engine, List.of(fixture.task(sink.url("/slow"), Instant.now())));
    sink.awaitCount(1, Duration.ofSeconds(10));
    fixture.insert(engine, List.of(fixture.task(sink.url("/busy"), Instant.now())));
    assertThat(claiming.await(10, TimeUnit.SECONDS)).isTrue();
    long claimsBefore = engine.producer().claims();

    slowReply.countDown();
    // /next goes out while the producer is still inside its claim of /busy: only the hand-off
    // can have started it.
    Sink.await(
        Duration.ofSeconds(10),
        "/next delivered while the producer claims",
        () -> sink.received().stream().anyMatch(r -> r.path().equals("/next")));
    assertThat(claimDone.getCount()).isOne();
    assertThat(engine.producer().claims()).isEqualTo(claimsBefore);

    claimDone.countDown();
    sink.awaitCount(3, Duration.ofSeconds(10));
    Sink.await(
        Duration.ofSeconds(10),
        "every task recorded",
        () -> fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == 3);
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }
}
