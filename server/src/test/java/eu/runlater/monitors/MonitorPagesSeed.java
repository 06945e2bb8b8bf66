package eu.runlater.monitors;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Monitors with a history, written straight into their tables so that the pages have something to
 * show without waiting for pings and checks to happen: a period heartbeat that pings every 5
 * minutes with a gap and a failure, a cron heartbeat that is down, an HTTP monitor with two days of
 * checks (and a slow, failing hour) and a paused TCP monitor.
 */
public final class MonitorPagesSeed {
  private final JdbcClient jdbc;
  private final UUID org;
  private final Instant now;
  private final String website;

  /**
   * @param website the HTTP monitor's URL: checks really run against it once the checks' sweep
   *     finds the monitor, so give a local server that answers 200 with {@code "status":"ok"}
   *     ({@link #healthy()}), or the seeded history would gain failures as the test runs
   */
  public MonitorPagesSeed(JdbcClient jdbc, UUID organizationId, Instant now, String website) {
    this.jdbc = jdbc;
    this.org = organizationId;
    this.now = now;
    this.website = website;
  }

  /** A local server that answers what the seeded HTTP monitor expects. */
  public static eu.runlater.testing.Sink healthy() {
    return eu.runlater.testing.Sink.start()
        .respond(
            r ->
                eu.runlater.testing.Sink.Reply.status(200)
                    .withBody(
                        "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** The ids of what {@link #all()} made. */
  public record Seeded(UUID billing, UUID backup, UUID website, UUID database) {}

  public Seeded all() {
    return new Seeded(billingSync(), nightlyBackup(), website(), databasePort());
  }

  /** Every 5 minutes, 1 minute grace: up, pinging for 10 hours, with a gap and a failed run. */
  public UUID billingSync() {
    Instant created = now.minus(Duration.ofDays(40));
    UUID id =
        monitor(
            "Billing sync",
            "heartbeat",
            "{billing,prod}",
            created,
            "up",
            now.minus(Duration.ofHours(2)),
            "ping received");
    jdbc.sql(
            """
            UPDATE monitors SET ping_token = :token, slug = 'billing-sync', period_s = 300, grace_s = 60,
              max_runtime_s = 600, last_ping_at = :last, last_ping_kind = 'success',
              last_duration_ms = 41200, due_at = :due WHERE id = :id
            """)
        .param("token", "tok" + id.toString().replace("-", ""))
        .param("last", SqlTime.ts(now.minus(Duration.ofMinutes(2))))
        .param("due", SqlTime.ts(now.plus(Duration.ofMinutes(3))))
        .param("id", id)
        .update();
    // A ping every 5 minutes for 10 hours, except 3 missing around 5 hours ago and a failure 3
    // hours ago; starts before each success measure the run.
    jdbc.sql(
            """
            INSERT INTO monitor_pings (id, monitor_id, received_at, kind, exit_code, method, source_ip,
                                       user_agent, body, body_truncated, duration_ms)
            SELECT gen_random_uuid(), :id, :last - make_interval(mins => 5 * g),
                   CASE WHEN g = 36 THEN 'exit' ELSE 'success' END,
                   CASE WHEN g = 36 THEN 2 END,
                   CASE WHEN g % 2 = 0 THEN 'POST' ELSE 'GET' END, '203.0.113.7',
                   'curl/8.5.0', CASE WHEN g = 36 THEN convert_to('pg_dump: error: connection refused', 'UTF8')
                                      WHEN g % 4 = 0 THEN convert_to('synced 1204 invoices', 'UTF8') END,
                   false, 40000 + (g % 7) * 900
            FROM generate_series(0, 120) g WHERE g NOT IN (60, 61, 62)
            """)
        .param("id", id)
        .param("last", SqlTime.ts(now.minus(Duration.ofMinutes(2))))
        .update();
    event(id, created.plus(Duration.ofMinutes(5)), "new", "up", "first ping");
    event(id, now.minus(Duration.ofHours(5)), "up", "late", "no ping since 5 min past its time");
    event(
        id,
        now.minus(Duration.ofHours(5)).plus(Duration.ofMinutes(1)),
        "late",
        "down",
        "no ping within 1 min of grace; due every 5 min");
    event(id, now.minus(Duration.ofHours(4)).minus(Duration.ofMinutes(45)), "down", "up", "ping");
    event(id, now.minus(Duration.ofHours(3)), "up", "down", "exit code 2");
    event(id, now.minus(Duration.ofHours(2)), "down", "up", "ping");
    return id;
  }

  /** Every 15 minutes (cron, UTC), 5 minutes grace: down since its pings stopped an hour ago. */
  public UUID nightlyBackup() {
    Instant created = now.minus(Duration.ofDays(3));
    Instant lastPing = now.minus(Duration.ofMinutes(70));
    UUID id =
        monitor(
            "Offsite backup",
            "heartbeat",
            "{backup}",
            created,
            "down",
            now.minus(Duration.ofMinutes(50)),
            "no ping since "
                + lastPing.toString().substring(11, 16)
                + " UTC, due every 15 min with 5 min grace");
    jdbc.sql(
            """
            UPDATE monitors SET ping_token = :token, period_s = NULL, cron = '*/15 * * * *', time_zone = 'UTC',
              grace_s = 300, last_ping_at = :last, last_ping_kind = 'success', due_at = :due
            WHERE id = :id
            """)
        .param("token", "tok" + id.toString().replace("-", ""))
        .param("last", SqlTime.ts(lastPing))
        .param("due", SqlTime.ts(now.minus(Duration.ofMinutes(55))))
        .param("id", id)
        .update();
    jdbc.sql(
            """
            INSERT INTO monitor_pings (id, monitor_id, received_at, kind, method, source_ip, user_agent)
            SELECT gen_random_uuid(), :id, :last - make_interval(mins => 15 * g) + interval '20 seconds',
                   'success', 'HEAD', '198.51.100.23', 'Wget/1.21'
            FROM generate_series(0, 20) g
            """)
        .param("id", id)
        .param("last", SqlTime.ts(lastPing))
        .update();
    event(id, created.plus(Duration.ofMinutes(15)), "new", "up", "first ping");
    event(id, now.minus(Duration.ofMinutes(55)), "up", "late", "due, no ping yet");
    event(
        id,
        now.minus(Duration.ofMinutes(50)),
        "late",
        "down",
        "no ping within 5 min of grace; due every 15 min");
    return id;
  }

  /** HTTPS every minute: two days of checks, one slow hour with failures, up. */
  public UUID website() {
    Instant created = now.minus(Duration.ofDays(60));
    UUID id =
        monitor(
            "Website",
            "http",
            "{prod,web}",
            created,
            "up",
            now.minus(Duration.ofHours(20)),
            "HTTP 200 in 212 ms");
    jdbc.sql(
            """
            UPDATE monitors SET url = :url, method = 'GET',
              headers = '[["Accept", "application/json"]]',
              expected_statuses = '200-299', keyword = '"status":"ok"', max_response_ms = 9000,
              interval_s = 60, timeout_s = 10, confirmations = 2, tls_expiry_days = 14,
              tls_expires_at = :tls, due_at = :due WHERE id = :id
            """)
        .param("url", website)
        .param("tls", SqlTime.ts(now.plus(Duration.ofDays(61))))
        .param("due", SqlTime.ts(now.plus(Duration.ofSeconds(40))))
        .param("id", id)
        .update();
    // Hour 21 back is slow and fails 6 times, inside one clock hour (the chart's buckets are clock
    // hours); the rest answer in ~200 ms with some spread.
    Instant last = now.minus(Duration.ofSeconds(20));
    Instant failFrom =
        now.minus(Duration.ofHours(21)).truncatedTo(ChronoUnit.HOURS).plusSeconds(20 * 60);
    long f0 = Duration.between(failFrom.plusSeconds(5 * 60), last).toMinutes();
    jdbc.sql(
            """
            INSERT INTO monitor_checks (monitor_id, checked_at, ok, status_code, duration_ms, reason)
            SELECT :id, :last - make_interval(mins => g),
                   NOT (g BETWEEN :f0 AND :f0 + 5),
                   CASE WHEN g BETWEEN :f0 AND :f0 + 5 THEN 503 ELSE 200 END,
                   CASE WHEN g BETWEEN :f0 - 30 AND :f0 + 30 THEN 900 + (g % 13) * 60
                        ELSE 160 + (g % 17) * 6 + (g % 97) END,
                   CASE WHEN g BETWEEN :f0 AND :f0 + 5 THEN 'HTTP 503, expected 200-299' END
            FROM generate_series(0, 2879) g
            """)
        .param("id", id)
        .param("f0", f0)
        .param("last", SqlTime.ts(last))
        .update();
    event(id, created.plus(Duration.ofMinutes(1)), "new", "up", "HTTP 200 in 180 ms");
    event(id, now.minus(Duration.ofDays(20)), "up", "down", "connect timed out twice in a row");
    event(
        id,
        now.minus(Duration.ofDays(20)).plus(Duration.ofMinutes(14)),
        "down",
        "up",
        "HTTP 200 in 240 ms");
    event(
        id,
        now.minus(Duration.ofMinutes(21 * 60 - 1)),
        "up",
        "down",
        "HTTP 503, expected 200-299 (2 checks in a row)");
    event(id, now.minus(Duration.ofHours(20)), "down", "up", "HTTP 200 in 212 ms");
    return id;
  }

  /** A TCP port check, paused. */
  public UUID databasePort() {
    Instant created = now.minus(Duration.ofDays(10));
    UUID id =
        monitor(
            "Replica port",
            "tcp",
            "{db}",
            created,
            "paused",
            now.minus(Duration.ofDays(1)),
            "paused by maintenance");
    jdbc.sql(
            """
            UPDATE monitors SET url = 'tcp://db-replica.internal:5432', interval_s = 300,
              timeout_s = 5 WHERE id = :id
            """)
        .param("id", id)
        .update();
    event(id, created.plus(Duration.ofMinutes(5)), "new", "up", "port open in 3 ms");
    event(id, now.minus(Duration.ofDays(1)), "up", "paused", "paused by maintenance");
    return id;
  }

  private UUID monitor(
      String name,
      String kind,
      String tags,
      Instant created,
      String state,
      Instant since,
      String reason) {
    UUID id = UUID.randomUUID();
    String token = "tok" + id.toString().replace("-", "");
    boolean heartbeat = "heartbeat".equals(kind);
    jdbc.sql(
            """
            INSERT INTO monitors (id, organization_id, name, kind, tags, ping_token, period_s, grace_s,
              url, interval_s, timeout_s, state, state_since, state_reason, badge_key, created_at,
              updated_at)
            VALUES (:id, :org, :name, :kind, CAST(:tags AS text[]), :token, :period, :grace, :url,
              :interval, :timeout, :state, :since, :reason, :badge, :created, :created)
            """)
        .param("id", id)
        .param("org", org)
        .param("name", name)
        .param("kind", kind)
        .param("tags", tags)
        .param("token", heartbeat ? token : null)
        .param("period", heartbeat ? 300 : null)
        .param("grace", heartbeat ? 60 : null)
        .param("url", heartbeat ? null : "https://placeholder.example")
        .param("interval", heartbeat ? null : 60)
        .param("timeout", heartbeat ? null : 10)
        .param("state", state)
        .param("since", SqlTime.ts(since))
        .param("reason", reason)
        .param("badge", "badge" + id.toString().replace("-", ""))
        .param("created", SqlTime.ts(created))
        .update();
    return id;
  }

  private void event(UUID monitor, Instant at, String from, String to, String reason) {
    jdbc.sql(
            """
            INSERT INTO monitor_events (id, monitor_id, at, from_state, to_state, reason)
            VALUES (gen_random_uuid(), :monitor, :at, :from, :to, :reason)
            """)
        .param("monitor", monitor)
        .param("at", SqlTime.ts(at))
        .param("from", from)
        .param("to", to)
        .param("reason", reason)
        .update();
  }
}
