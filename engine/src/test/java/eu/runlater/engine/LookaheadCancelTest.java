package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A cancellation's notice and the claim of the task it cancels race: the notice may arrive before
 * the claimed task reaches {@link Lookahead#hold} (the claim committed, the producer not yet
 * through). Either order drops the task; a cancellation of another task drops nothing. The timer is
 * not started: these are the map's rules, not its timing.
 */
class LookaheadCancelTest {
  private final Lookahead lookahead = new Lookahead(Instant::now, null, 10);

  private static ClaimedTask task() {
    return new ClaimedTask(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "job",
        UUID.randomUUID(),
        0,
        Instant.now().plusSeconds(3),
        null,
        0,
        1,
        0,
        1L,
        Instant.now().plusSeconds(60),
        null,
        null,
        null);
  }

  @Test
  void a_task_cancelled_after_it_is_held_is_dropped() {
    ClaimedTask t = task();
    lookahead.hold(t, () -> true);
    assertThat(lookahead.held()).isEqualTo(1);
    assertThat(lookahead.cancel(t.id())).isTrue();
    assertThat(lookahead.held()).isZero();
  }

  @Test
  void a_task_whose_cancellation_came_before_its_claim_reached_the_timer_is_dropped() {
    ClaimedTask t = task();
    assertThat(lookahead.cancel(t.id())).as("not held yet").isFalse();
    lookahead.hold(t, () -> true);
    assertThat(lookahead.held()).isZero();
  }

  @Test
  void another_task_s_cancellation_drops_nothing() {
    ClaimedTask kept = task();
    lookahead.cancel(UUID.randomUUID());
    lookahead.hold(kept, () -> true);
    assertThat(lookahead.held()).isEqualTo(1);
  }
}
