package eu.runlater.dashboard;

import static eu.runlater.dashboard.AttentionQueries.DEAD_LETTERS_GROWING;
import static eu.runlater.dashboard.AttentionQueries.TASKS_OVERDUE;

import eu.runlater.alerts.AlertAttention;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.hosts.Holds;
import eu.runlater.platform.web.Formats;
import eu.runlater.platform.web.Hold;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Home's "Needs attention" items that are not about one job's history: the organization's held
 * hosts, its runs past their time with the reason each waits ({@link Holds.Lookup#explain}), and
 * its dead-letter lists that grew in the last day. Every read is bounded.
 */
@Component
class NeedsAttention {
  /** At most this many overdue runs are listed, the oldest first. */
  static final int OVERDUE = 10;

  /** Dead letters added in this window make a list "growing". */
  static final Duration DEAD_WINDOW = Duration.ofDays(1);

  /** Messages pushed longer ago than this are not looked at for new dead letters. */
  static final Duration DEAD_PUSHED = Duration.ofDays(7);

  /** At most this many new dead letters are counted (shown as "10000+"). */
  static final int DEAD_SCAN = 10_000;

  private final JdbcClient jdbc;
  private final Holds holds;
  private final Formats fmt;
  private final InstantSource clock;
  private final AlertAttention alerts;

  NeedsAttention(
      JdbcClient jdbc, Holds holds, Formats fmt, InstantSource clock, AlertAttention alerts) {
    this.alerts = alerts;
    this.jdbc = jdbc;
    this.holds = holds;
    this.fmt = fmt;
    this.clock = clock;
  }

  /**
   * Held hosts, alerts (undelivered, open incidents), then overdue runs, then growing dead-letter
   * lists: at most {@code limit}.
   */
  List<Home.Attention> list(UUID org, int limit) {
    Instant now = clock.instant();
    Holds.Lookup lookup = holds.forOrganization(org);
    List<Home.Attention> items = new ArrayList<>();
    lookup.hostHolds().stream()
        .sorted(Comparator.comparing(Hold::summary))
        .forEach(
            h ->
                items.add(
                    new Home.Attention(
                        "held",
                        h.summary(),
                        h.href(),
                        h.until() == null
                            ? h.detail()
                            : join(h.detail(), "next try " + fmt.ago(h.until())),
                        h.since())));
    // Alerts that could not be delivered, and what is alerting (or muted while broken).
    alerts.items(org, limit).stream()
        .map(a -> new Home.Attention(a.state(), a.name(), a.href(), a.reason(), a.since()))
        .forEach(items::add);
    jdbc.sql(TASKS_OVERDUE)
        .param("org", org)
        .param("due", SqlTime.ts(now.minus(Holds.GRACE)))
        .param("limit", OVERDUE)
        .query(
            rs -> {
              Instant due = SqlTime.instant(rs, "run_at");
              Hold why = lookup.explain(rs.getString("url"), due);
              if (why == null) {
                return;
              }
              UUID source = rs.getObject("source_id", UUID.class);
              boolean message = "message".equals(rs.getString("source_kind"));
              String queue = rs.getString("queue_name");
              String job = rs.getString("job_name");
              String name =
                  message
                      ? (queue == null ? "message" : queue + " · message")
                      : (job == null ? rs.getString("url") : job);
              String href = source == null ? null : (message ? "/messages/" : "/jobs/") + source;
              String state = "backlog".equals(why.kind()) ? "overdue" : "held";
              items.add(
                  new Home.Attention(
                      state, name, href, why.summary() + " (due " + fmt.ago(due) + ")", due));
            });
    jdbc.sql(DEAD_LETTERS_GROWING)
        .param("org", org)
        .param("since", SqlTime.ts(now.minus(DEAD_WINDOW)))
        .param("oldest", Ids.v7(now.minus(DEAD_PUSHED)))
        .param("scan", DEAD_SCAN)
        .param("limit", limit)
        .query(
            rs -> {
              String queue = rs.getString("name");
              long added = rs.getLong("added");
              String count = added + (rs.getBoolean("capped") ? "+" : "");
              items.add(
                  new Home.Attention(
                      "failed",
                      queue + " dead letters",
                      "/dead-letters?queue=" + URLEncoder.encode(queue, StandardCharsets.UTF_8),
                      count
                          + (added == 1 ? " message" : " messages")
                          + " added to the dead-letter list in the last 24 h",
                      SqlTime.instant(rs, "latest")));
            });
    return items.size() > limit ? List.copyOf(items.subList(0, limit)) : items;
  }

  private static String join(String a, String b) {
    return a == null || a.isBlank() ? b : a + "; " + b;
  }
}
