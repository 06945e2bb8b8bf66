package eu.runlater.hosts;

import static eu.runlater.hosts.HostsQueries.*;

import eu.runlater.engine.HostKey;
import eu.runlater.engine.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One organization's view of the engine's {@code host_states}, for the hosts pages and API: each
 * target in trouble, how many deliveries wait for it, and the recent attempts that went to it.
 */
@Component
class HostStates {
  /** How far back the host page looks for attempts to a target, and how many rows it scans. */
  static final Duration RECENT = Duration.ofDays(7);

  static final int RECENT_SCAN = 5_000;

  private final JdbcClient jdbc;
  private final InstantSource clock;

  HostStates(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * A target as one organization sees it.
   *
   * @param target the engine's key, {@code https://api.example.com:443}
   * @param circuit {@code closed}, {@code open} or {@code half_open} (its period ended; the probe
   *     decides)
   * @param waiting the organization's deliveries to it that wait (held or pushed back)
   */
  public record HostState(
      String target,
      Instant now,
      boolean throttled,
      Instant throttledUntil,
      String circuit,
      Instant openedAt,
      Instant reopenAt,
      int consecutiveFailures,
      String lastError,
      Instant updatedAt,
      long waiting) {

    public String scheme() {
      return target.substring(0, target.indexOf("://"));
    }

    /** {@code host:port}. */
    public String host() {
      return target.substring(target.indexOf("://") + 3);
    }

    /** As people read it: the default port left out. */
    public String name() {
      return Holds.displayName(target);
    }

    public String href() {
      return Holds.href(target);
    }

    public boolean open() {
      return !"closed".equals(circuit);
    }

    public boolean held() {
      return open() || throttled;
    }

    /** The state's words: circuit open, circuit half-open (probing), throttled. */
    public String stateWords() {
      if ("half_open".equals(circuit)) {
        return "circuit half-open";
      }
      if ("open".equals(circuit)) {
        return throttled ? "circuit open, throttled" : "circuit open";
      }
      return throttled ? "throttled" : "not held";
    }

    /** Why the engine holds deliveries to it back. */
    public String reason() {
      if (open()) {
        return "Its circuit opened after repeated signs that the host is down (connection errors,"
            + " timeouts, 502/503/504). Deliveries wait until a probe delivery succeeds.";
      }
      if (throttled) {
        return "It asked to slow down (429 or 503 with Retry-After). Deliveries wait until then.";
      }
      return "Nothing holds deliveries to it back.";
    }

    /** Since when: the circuit's opening, or the throttle's last change. */
    public Instant since() {
      return open() ? openedAt : throttled ? updatedAt : null;
    }

    /** The next probe (open circuit), or the throttle's end. */
    public Instant until() {
      return open() ? reopenAt : throttled ? throttledUntil : null;
    }

    /** What {@link #until} is: "Next probe" or "Throttle ends". */
    public String untilWords() {
      if ("half_open".equals(circuit)) {
        return "Probe due";
      }
      return open() ? "Next probe" : "Throttle ends";
    }
  }

  /** The organization's targets in trouble, with their waiting deliveries. */
  List<HostState> troubled(UUID organizationId) {
    Instant now = clock.instant();
    List<HostState> rows =
        jdbc.sql(HOST_LIST_TROUBLED)
            .param("now", SqlTime.ts(now))
            .param("organization_id", organizationId)
            .query((rs, i) -> state(rs, now, 0))
            .list();
    if (rows.isEmpty()) {
      return rows;
    }
    Map<String, Long> waiting =
        waiting(organizationId, rows.stream().map(HostState::target).toList());
    List<HostState> counted = new ArrayList<>(rows.size());
    for (HostState r : rows) {
      counted.add(withWaiting(r, waiting.getOrDefault(r.target(), 0L)));
    }
    return counted;
  }

  /** One target's state for the organization, if it has a row (held, or failures counted). */
  Optional<HostState> find(UUID organizationId, String target) {
    Instant now = clock.instant();
    return jdbc.sql(HOST_GET)
        .param("organization_id", organizationId)
        .param("hosts", List.of(target))
        .param("now", SqlTime.ts(now))
        .query((rs, i) -> state(rs, now, 0))
        .optional()
        .map(
            s -> withWaiting(s, waiting(organizationId, List.of(target)).getOrDefault(target, 0L)));
  }

  /** A healthy target as the organization sees it: nothing held, its waiting deliveries. */
  HostState healthy(UUID organizationId, String target) {
    return new HostState(
        target,
        clock.instant(),
        false,
        null,
        "closed",
        null,
        null,
        0,
        null,
        null,
        waiting(organizationId, List.of(target)).getOrDefault(target, 0L));
  }

  /** Whether the organization's waiting tasks target the origin. */
  boolean targeted(UUID organizationId, String target) {
    return jdbc.sql(HOST_TARGETED)
        .param("host", target)
        .param("organization_id", organizationId)
        .query(Boolean.class)
        .single();
  }

  /** How many of the organization's deliveries wait (not running) for each target. */
  Map<String, Long> waiting(UUID organizationId, List<String> targets) {
    Map<String, Long> counts = new HashMap<>();
    jdbc.sql(HOST_WAITING_COUNTS)
        .param("organization_id", organizationId)
        .param("hosts", targets)
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs -> counts.put(rs.getString("target_host"), rs.getLong("waiting")));
    return counts;
  }

  /** An attempt that went to a target. */
  public record Recent(
      UUID id,
      Instant createdAt,
      String status,
      Integer statusCode,
      int attempt,
      String sourceKind,
      String method,
      String url,
      String heldBy) {}

  /** The organization's latest attempts to a target, newest first, within {@link #RECENT}. */
  List<Recent> recent(UUID organizationId, String target, int limit) {
    Instant now = clock.instant();
    return jdbc
        .sql(HOST_RECENT_EXECUTIONS)
        .param("organization_id", organizationId)
        .param("since", SqlTime.ts(now.minus(RECENT)))
        .param("scan", RECENT_SCAN)
        .param("pattern", Holds.urlPattern(target))
        .param("limit", limit)
        .query(
            (rs, i) ->
                new Recent(
                    rs.getObject("id", UUID.class),
                    SqlTime.instant(rs, "created_at"),
                    rs.getString("status"),
                    (Integer) rs.getObject("status_code"),
                    rs.getInt("attempt"),
                    rs.getString("source_kind"),
                    rs.getString("request_method"),
                    rs.getString("request_url"),
                    rs.getString("held_by")))
        .list()
        .stream()
        // The pattern is a coarse pre-filter; the engine's key decides.
        .filter(r -> target.equals(HostKey.of(r.url())))
        .toList();
  }

  private static HostState withWaiting(HostState s, long waiting) {
    return new HostState(
        s.target(),
        s.now(),
        s.throttled(),
        s.throttledUntil(),
        s.circuit(),
        s.openedAt(),
        s.reopenAt(),
        s.consecutiveFailures(),
        s.lastError(),
        s.updatedAt(),
        waiting);
  }

  private static HostState state(ResultSet rs, Instant now, long waiting) throws SQLException {
    Instant until = SqlTime.instant(rs, "throttled_until");
    Instant reopen = SqlTime.instant(rs, "reopen_at");
    String circuit = rs.getString("circuit");
    if ("open".equals(circuit) && reopen != null && !reopen.isAfter(now)) {
      circuit = "half_open";
    }
    return new HostState(
        rs.getString("host"),
        now,
        until != null && until.isAfter(now),
        until,
        circuit,
        SqlTime.instant(rs, "opened_at"),
        reopen,
        rs.getInt("consecutive_failures"),
        rs.getString("last_error"),
        SqlTime.instant(rs, "updated_at"),
        waiting);
  }
}
