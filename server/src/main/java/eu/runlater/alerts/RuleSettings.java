package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a rule says. In an override a null field inherits the organization's default; in the
 * defaults a null field takes the built-in one ({@link #BUILT_IN}).
 *
 * @param trigger {@code first_failure}, {@code consecutive} or {@code failure_rate}
 * @param consecutiveFailures for {@code consecutive}: how many in a row (2 to 100)
 * @param failureRatePercent for {@code failure_rate}: the share of failed runs (1 to 100)
 * @param failureRateWindow for {@code failure_rate}: over how long (1 minute to 24 hours)
 * @param failureRateMinRuns for {@code failure_rate}: fewer runs than this never alert
 * @param recovery whether a recovery notice follows
 * @param realertEvery re-alert this often while it stays broken; {@link Duration#ZERO} is off
 * @param mutedUntil muted until then ({@link Instant#MAX}: until unmuted); {@link Instant#EPOCH} in
 *     an override says "not muted" against a muted default
 * @param channelIds the channels to alert; an empty list alerts nobody
 * @param deadLetters queues: whether dead letters count as failures
 * @param depthAbove queues: open an incident while more messages than this wait; 0 is off
 * @param oldestWaiting queues: open an incident while the oldest waiting message is older; {@link
 *     Duration#ZERO} is off
 * @param groupWindow organization only: failures within this long of a grouped message go in one
 *     follow-up
 * @param usageAlerts organization only: alert at 80 % and 100 % of the monthly quota
 */
public record RuleSettings(
    String trigger,
    Integer consecutiveFailures,
    Integer failureRatePercent,
    Duration failureRateWindow,
    Integer failureRateMinRuns,
    Boolean recovery,
    Duration realertEvery,
    Instant mutedUntil,
    List<UUID> channelIds,
    Boolean deadLetters,
    Integer depthAbove,
    Duration oldestWaiting,
    Duration groupWindow,
    Boolean usageAlerts) {

  public static final String FIRST_FAILURE = "first_failure";
  public static final String CONSECUTIVE = "consecutive";
  public static final String FAILURE_RATE = "failure_rate";

  /** Nothing said: inherits everything. */
  public static final RuleSettings INHERIT =
      new RuleSettings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /**
   * Out of the box: alert on the first failure, recovery on, no re-alert, not muted, every channel
   * that is not opt-in (null channel list), dead letters count, no depth or age threshold, a
   * 60-second group window, usage alerts on.
   */
  public static final RuleSettings BUILT_IN =
      new RuleSettings(
          FIRST_FAILURE,
          3,
          50,
          Duration.ofMinutes(10),
          5,
          true,
          Duration.ZERO,
          null,
          null,
          true,
          0,
          Duration.ZERO,
          Duration.ofSeconds(60),
          true);

  /** This override over {@code base}: each field this one sets wins. */
  public RuleSettings over(RuleSettings base) {
    return new RuleSettings(
        trigger != null ? trigger : base.trigger,
        consecutiveFailures != null ? consecutiveFailures : base.consecutiveFailures,
        failureRatePercent != null ? failureRatePercent : base.failureRatePercent,
        failureRateWindow != null ? failureRateWindow : base.failureRateWindow,
        failureRateMinRuns != null ? failureRateMinRuns : base.failureRateMinRuns,
        recovery != null ? recovery : base.recovery,
        realertEvery != null ? realertEvery : base.realertEvery,
        mutedUntil != null ? mutedUntil : base.mutedUntil,
        channelIds != null ? channelIds : base.channelIds,
        deadLetters != null ? deadLetters : base.deadLetters,
        depthAbove != null ? depthAbove : base.depthAbove,
        oldestWaiting != null ? oldestWaiting : base.oldestWaiting,
        groupWindow != null ? groupWindow : base.groupWindow,
        usageAlerts != null ? usageAlerts : base.usageAlerts);
  }

  /** Whether it is muted at {@code now}. */
  public boolean mutedAt(Instant now) {
    return mutedUntil != null && mutedUntil.isAfter(now);
  }
}
