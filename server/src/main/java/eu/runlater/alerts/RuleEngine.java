package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;

/**
 * What a rule makes of one outcome or one measurement of a subject, given its incident: no
 * database, no clock, so every trigger, quiet time and recovery is decided (and tested) here.
 *
 * <p>Rules it applies:
 *
 * <ul>
 *   <li>A failure counts against the trigger: {@code first_failure} opens at once; {@code
 *       consecutive} keeps a pending incident counting until N failures in a row; {@code
 *       failure_rate} opens when at least {@code min_runs} final runs in the window include at
 *       least {@code percent} % failures (counted by the caller from the engine's history).
 *   <li>An incident that opens while the subject is muted or a maintenance window is on is tracked
 *       but not announced; the next failure outside them announces it.
 *   <li>A success closes the incident ({@code failure_rate}: once the rate falls below the
 *       threshold). A recovery notice follows only if the opening was announced, recovery is on,
 *       and it is not quiet (muted or maintenance: nothing is told).
 *   <li>While open and announced, a reminder goes every {@code realert_every} after the last alert,
 *       unless quiet.
 * </ul>
 */
final class RuleEngine {
  private RuleEngine() {}

  enum State {
    NONE,
    PENDING,
    OPEN
  }

  /**
   * A subject's current incident for one condition.
   *
   * @param lastAlertAt when it last alerted (opening or reminder), or null
   */
  record Current(State state, int consecutiveFailures, boolean announced, Instant lastAlertAt) {
    static final Current NONE = new Current(State.NONE, 0, false, null);
  }

  /** What happens: the incident's new state, and what to tell (null: nothing). */
  record Decision(State state, boolean announced, String tell) {
    static final String OPENED = "opened";
    static final String RECOVERED = "recovered";
    static final String REMINDER = "reminder";

    boolean closes(Current current) {
      return state == State.NONE && current.state() != State.NONE;
    }
  }

  /**
   * Final runs of a subject within its rule's window, this outcome included.
   *
   * @param runs final runs counted
   * @param failures of those, failed
   */
  record Rate(int runs, int failures) {
    static final Rate UNKNOWN = new Rate(0, 0);
  }

  /**
   * One final outcome.
   *
   * @param rate for {@code failure_rate} rules; ignored by the others
   * @param quiet muted or in a maintenance window at {@code now}
   */
  static Decision outcome(
      Current current, RuleSettings rule, boolean success, Rate rate, boolean quiet) {
    if (success) {
      if (current.state() == State.NONE) {
        return new Decision(State.NONE, false, null);
      }
      if (RuleSettings.FAILURE_RATE.equals(rule.trigger())
          && current.state() == State.OPEN
          && rateReached(rule, rate)) {
        return new Decision(State.OPEN, current.announced(), null);
      }
      return close(current, rule, quiet);
    }
    int consecutive = current.consecutiveFailures() + 1;
    boolean reached =
        current.state() == State.OPEN
            || switch (rule.trigger() == null ? RuleSettings.FIRST_FAILURE : rule.trigger()) {
              case RuleSettings.CONSECUTIVE -> consecutive >= n(rule.consecutiveFailures(), 3);
              case RuleSettings.FAILURE_RATE -> rateReached(rule, rate);
              default -> true;
            };
    if (!reached) {
      return new Decision(State.PENDING, false, null);
    }
    if (!current.announced() && !quiet) {
      return new Decision(State.OPEN, true, Decision.OPENED);
    }
    return new Decision(State.OPEN, current.announced(), null);
  }

  /**
   * A measured condition (a queue's depth, the organization's usage): active opens at once,
   * inactive closes.
   *
   * @param recovery whether closing may be told at all (usage: no recovery notice)
   */
  static Decision condition(
      Current current, RuleSettings rule, boolean active, boolean quiet, boolean recovery) {
    if (active) {
      if (!current.announced() && !quiet) {
        return new Decision(State.OPEN, true, Decision.OPENED);
      }
      return new Decision(State.OPEN, current.announced(), null);
    }
    if (current.state() == State.NONE) {
      return new Decision(State.NONE, false, null);
    }
    Decision closed = close(current, rule, quiet);
    return recovery ? closed : new Decision(State.NONE, false, null);
  }

  /** Whether an open, announced incident is due a reminder at {@code now}. */
  static boolean reminderDue(Current current, RuleSettings rule, boolean quiet, Instant now) {
    Duration every = rule.realertEvery();
    return current.state() == State.OPEN
        && current.announced()
        && !quiet
        && every != null
        && every.isPositive()
        && current.lastAlertAt() != null
        && !current.lastAlertAt().plus(every).isAfter(now);
  }

  private static Decision close(Current current, RuleSettings rule, boolean quiet) {
    boolean tell =
        current.state() == State.OPEN
            && current.announced()
            && !Boolean.FALSE.equals(rule.recovery())
            && !quiet;
    return new Decision(State.NONE, false, tell ? Decision.RECOVERED : null);
  }

  private static boolean rateReached(RuleSettings rule, Rate rate) {
    int minRuns = n(rule.failureRateMinRuns(), 5);
    int percent = n(rule.failureRatePercent(), 50);
    return rate.runs() >= Math.max(1, minRuns)
        && rate.failures() * 100L >= percent * (long) rate.runs();
  }

  private static int n(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
