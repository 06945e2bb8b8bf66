package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One message to one channel, before it takes a channel's shape: what changed for which subjects.
 * The dispatcher builds it from a channel's pending changes (one item per incident); {@code
 * ChannelFormats} turns it into the request a channel expects.
 *
 * @param kind {@code alert} (incidents opened), {@code recovery}, {@code reminder}, {@code digest}
 *     (several kinds of change at once), {@code test} or {@code notice} (no incident: something
 *     waits for people, {@link AlertNotices})
 * @param headline one line that says it all ("3 jobs are failing: nightly-report, sync, backup")
 * @param dashboardUrl the absolute URL of the notification log, for "see all"
 */
record AlertMessage(
    UUID organizationId,
    String organizationName,
    String kind,
    String headline,
    List<Item> items,
    Instant at,
    String dashboardUrl) {

  static final String ALERT = "alert";
  static final String RECOVERY = "recovery";
  static final String REMINDER = "reminder";
  static final String DIGEST = "digest";
  static final String TEST = "test";
  static final String NOTICE = "notice";

  AlertMessage {
    items = List.copyOf(items);
  }

  /** A test or a notice: nothing is broken, so no red and no siren. */
  boolean informational() {
    return kind.equals(TEST) || kind.equals(NOTICE);
  }

  /**
   * One incident's change.
   *
   * @param change {@code opened}, {@code recovered}, {@code reminder} or {@code notice}
   * @param subjectUrl the subject's page, absolute
   * @param conditionText the condition in words ("failing", "1,204 messages waiting, above 1,000")
   * @param downFor for a recovery: how long it was down; else null
   * @param executionUrl the last failed attempt's page, absolute, or null
   * @param muteUrl where a signed-in person mutes its alerts, absolute
   * @param pauseUrl where a signed-in person pauses it, absolute, or null
   * @param actionLabel what a notice asks people to do ("Decide in the approvals inbox"), or null
   * @param actionUrl where they do it, absolute, or null
   */
  record Item(
      UUID incidentId,
      String change,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String subjectUrl,
      String condition,
      String conditionText,
      Instant since,
      Duration downFor,
      int consecutiveFailures,
      Integer lastStatusCode,
      String lastError,
      String snippet,
      String executionUrl,
      String muteUrl,
      String pauseUrl,
      String actionLabel,
      String actionUrl) {

    /** An incident's change: no action beyond its links. */
    Item(
        UUID incidentId,
        String change,
        String subjectKind,
        UUID subjectId,
        String subjectName,
        String subjectUrl,
        String condition,
        String conditionText,
        Instant since,
        Duration downFor,
        int consecutiveFailures,
        Integer lastStatusCode,
        String lastError,
        String snippet,
        String executionUrl,
        String muteUrl,
        String pauseUrl) {
      this(
          incidentId,
          change,
          subjectKind,
          subjectId,
          subjectName,
          subjectUrl,
          condition,
          conditionText,
          since,
          downFor,
          consecutiveFailures,
          lastStatusCode,
          lastError,
          snippet,
          executionUrl,
          muteUrl,
          pauseUrl,
          null,
          null);
    }
  }
}
