package eu.runlater.organizations;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An organization's plan and the limits it sets. {@code null} limits mean unlimited.
 *
 * @param jobs how many jobs the organization may keep
 * @param requestsPerMonth deliveries per calendar month (UTC)
 * @param minCronIntervalSeconds the shortest interval a cron schedule may have
 * @param historyDays how long executions are kept
 * @param members team members, pending invites included
 * @param concurrency the most deliveries running at once, across all nodes (the engine's
 *     per-organization cap, kept in {@code organization_caps})
 * @param inboundRequestsPerSecond the most requests one inbound source takes a second, whatever its
 *     own rate limit says (received requests are kept as long as the run history: historyDays)
 */
public enum Tier {
  FREE(5, 10_000L, 3_600, 7, 2, 20, 10),
  PRO(null, 1_000_000L, 1, 30, null, 500, 1_000);

  private final Integer jobs;
  private final Long requestsPerMonth;
  private final int minCronIntervalSeconds;
  private final int historyDays;
  private final Integer members;
  private final int concurrency;
  private final int inboundRequestsPerSecond;

  Tier(
      Integer jobs,
      Long requestsPerMonth,
      int minCronIntervalSeconds,
      int historyDays,
      Integer members,
      int concurrency,
      int inboundRequestsPerSecond) {
    this.concurrency = concurrency;
    this.inboundRequestsPerSecond = inboundRequestsPerSecond;
    this.jobs = jobs;
    this.requestsPerMonth = requestsPerMonth;
    this.minCronIntervalSeconds = minCronIntervalSeconds;
    this.historyDays = historyDays;
    this.members = members;
  }

  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Tier of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }

  public Limits limits() {
    return new Limits(
        jobs,
        requestsPerMonth,
        minCronIntervalSeconds,
        historyDays,
        members,
        concurrency,
        inboundRequestsPerSecond);
  }

  /** The limits as the API shows them. */
  public record Limits(
      Integer jobs,
      Long requestsPerMonth,
      int minCronIntervalSeconds,
      int historyDays,
      Integer members,
      int concurrency,
      int inboundRequestsPerSecond) {}
}
