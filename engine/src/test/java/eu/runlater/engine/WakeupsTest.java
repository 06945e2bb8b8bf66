package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class WakeupsTest {
  @Test
  void a_wake_that_arrives_while_the_producer_works_cuts_its_next_sleep_short() {
    Wakeups wakeups = new Wakeups();
    wakeups.working();
    // An insert committed while the producer was busy: its after-commit wake lands now.
    wakeups.wake(Instant.now());
    long started = System.nanoTime();
    boolean unasked =
        wakeups.sleepUntil(
            Instant.now().plus(Duration.ofMinutes(5)),
            InstantSource.system(),
            () -> false,
            Duration.ofHours(1));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(unasked).as("woken by the wake, not on its own").isFalse();
    assertThat(wakeups.plannedWake()).isEqualTo(Instant.MIN);
  }

  @Test
  void a_sleeping_producer_plans_for_the_earliest_wake_it_was_given() throws Exception {
    Wakeups wakeups = new Wakeups();
    Instant far = Instant.now().plus(Duration.ofMinutes(10));
    Instant sooner = Instant.now().plus(Duration.ofMinutes(3));
    Thread sleeper =
        Thread.ofPlatform()
            .start(
                () ->
                    wakeups.sleepUntil(
                        far, InstantSource.system(), () -> false, Duration.ofHours(1)));
    eu.runlater.testing.Sink.await(
        Duration.ofSeconds(5), "the sleep to start", () -> wakeups.plannedWake().equals(far));
    assertThat(wakeups.wouldSleepPast(sooner)).isTrue();
    wakeups.wake(sooner);
    eu.runlater.testing.Sink.await(
        Duration.ofSeconds(5), "the plan to move", () -> wakeups.plannedWake().equals(sooner));
    assertThat(wakeups.wouldSleepPast(far)).isFalse();
    wakeups.wake(Instant.EPOCH);
    sleeper.join(5_000);
    assertThat(sleeper.isAlive()).isFalse();
  }

  @Test
  void a_wake_for_later_than_planned_leaves_the_producer_asleep_and_a_nudge_does_not()
      throws Exception {
    Wakeups wakeups = new Wakeups();
    Instant planned = Instant.now().plus(Duration.ofMinutes(10));
    Thread sleeper =
        Thread.ofPlatform()
            .start(
                () ->
                    wakeups.sleepUntil(
                        planned, InstantSource.system(), () -> false, Duration.ofHours(1)));
    eu.runlater.testing.Sink.await(
        Duration.ofSeconds(5), "the sleep to start", () -> wakeups.plannedWake().equals(planned));
    // Tasks committed for later than the planned look: no reason to claim now, even twice (the
    // second used to look like a nudge because the earliest request had not changed).
    wakeups.wake(planned.plus(Duration.ofHours(1)));
    wakeups.wake(planned.plus(Duration.ofHours(2)));
    // Proving a non-event needs a bounded wait; the broken version returned within microseconds.
    sleeper.join(300);
    assertThat(sleeper.isAlive()).isTrue();
    assertThat(wakeups.plannedWake()).isEqualTo(planned);

    wakeups.nudge();
    sleeper.join(5_000);
    assertThat(sleeper.isAlive()).isFalse();
  }

  @Test
  void a_clock_stepped_back_does_not_stretch_the_sleep_past_the_poll_interval() {
    Wakeups wakeups = new Wakeups();
    eu.runlater.testing.MutableClock clock =
        new eu.runlater.testing.MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    Instant until = clock.instant().plusMillis(50);
    // The clock steps back two hours between planning and sleeping.
    clock.set(Instant.parse("2026-11-22T10:00:00Z"));
    long started = System.nanoTime();
    boolean unasked = wakeups.sleepUntil(until, clock, () -> false, Duration.ofMillis(200));
    Duration slept = Duration.ofNanos(System.nanoTime() - started);
    assertThat(slept).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(slept).isLessThan(Duration.ofSeconds(10));
    assertThat(unasked).as("woke on its own: the poll").isTrue();
  }

  @Test
  void a_sleep_to_its_own_time_says_nobody_asked_and_a_nudge_says_otherwise() throws Exception {
    Wakeups wakeups = new Wakeups();
    assertThat(sleepBriefly(wakeups)).isTrue();
    // A request for later than the planned look does not wake the sleeper, but it is pending when
    // the sleep ends: the producer must look.
    wakeups.wake(Instant.now().plus(Duration.ofHours(1)));
    assertThat(sleepBriefly(wakeups)).isFalse();
    var result = new java.util.concurrent.CompletableFuture<Boolean>();
    Instant far = Instant.now().plus(Duration.ofMinutes(10));
    Thread.ofPlatform()
        .start(
            () ->
                result.complete(
                    wakeups.sleepUntil(
                        far, InstantSource.system(), () -> false, Duration.ofHours(1))));
    eu.runlater.testing.Sink.await(
        Duration.ofSeconds(5), "the sleep to start", () -> wakeups.plannedWake().equals(far));
    wakeups.nudge();
    assertThat(result.get(5, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
  }

  /** Sleeps 20 ms (or less, if woken); whether nobody asked. */
  private static boolean sleepBriefly(Wakeups wakeups) {
    return wakeups.sleepUntil(
        Instant.now().plusMillis(20), InstantSource.system(), () -> false, Duration.ofHours(1));
  }
}
