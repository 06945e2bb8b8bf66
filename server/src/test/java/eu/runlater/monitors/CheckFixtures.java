package eu.runlater.monitors;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Uptime monitors for tests, written straight to the table (the monitors' API is built beside
 * this), and their checks scheduled through {@link UptimeChecks} as the commands do.
 */
final class CheckFixtures {
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TransactionalConnection connection;
  private final UptimeChecks checks;

  CheckFixtures(
      JdbcClient jdbc,
      TransactionTemplate tx,
      TransactionalConnection connection,
      UptimeChecks checks) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.connection = connection;
    this.checks = checks;
  }

  /** An uptime monitor; change what a test needs with the withers. */
  record Spec(
      String kind,
      String url,
      String expected,
      String keyword,
      boolean keywordAbsent,
      Integer maxResponseMs,
      boolean followRedirects,
      int intervalS,
      int timeoutS,
      int confirmations,
      Integer tlsExpiryDays) {

    static Spec http(String url) {
      return new Spec("http", url, null, null, false, null, true, 1, 5, 1, null);
    }

    static Spec tcp(String hostPort) {
      return new Spec("tcp", "tcp://" + hostPort, null, null, false, null, true, 1, 5, 1, null);
    }

    Spec keyword(String keyword, boolean absent) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          absent,
          maxResponseMs,
          followRedirects,
          intervalS,
          timeoutS,
          confirmations,
          tlsExpiryDays);
    }

    Spec follow(boolean follow) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          keywordAbsent,
          maxResponseMs,
          follow,
          intervalS,
          timeoutS,
          confirmations,
          tlsExpiryDays);
    }

    Spec timeout(int seconds) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          keywordAbsent,
          maxResponseMs,
          followRedirects,
          intervalS,
          seconds,
          confirmations,
          tlsExpiryDays);
    }

    Spec interval(int seconds) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          keywordAbsent,
          maxResponseMs,
          followRedirects,
          seconds,
          timeoutS,
          confirmations,
          tlsExpiryDays);
    }

    Spec confirmations(int n) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          keywordAbsent,
          maxResponseMs,
          followRedirects,
          intervalS,
          timeoutS,
          n,
          tlsExpiryDays);
    }

    Spec tlsExpiryDays(int days) {
      return new Spec(
          kind,
          url,
          expected,
          keyword,
          keywordAbsent,
          maxResponseMs,
          followRedirects,
          intervalS,
          timeoutS,
          confirmations,
          days);
    }
  }

  /** Inserts the monitor (state new) without scheduling it. */
  UUID insert(UUID organizationId, String name, Spec s) {
    UUID id = Ids.v7(Instant.now());
    jdbc.sql(
            """
            INSERT INTO monitors (id, organization_id, name, kind, url, method, expected_statuses,
                keyword, keyword_absent, max_response_ms, follow_redirects, interval_s, timeout_s,
                confirmations, tls_expiry_days, state, state_since, badge_key, created_at,
                updated_at)
            VALUES (:id, :org, :name, :kind, :url, 'GET', :expected, :keyword, :absent, :max_ms,
                :follow, :interval_s, :timeout_s, :confirmations, :tls_days, 'new', :now, :badge,
                :now, :now)
            """)
        .param("id", id)
        .param("org", organizationId)
        .param("name", name)
        .param("kind", s.kind())
        .param("url", s.url())
        .param("expected", s.expected())
        .param("keyword", s.keyword())
        .param("absent", s.keywordAbsent())
        .param("max_ms", s.maxResponseMs())
        .param("follow", s.followRedirects())
        .param("interval_s", s.intervalS())
        .param("timeout_s", s.timeoutS())
        .param("confirmations", s.confirmations())
        .param("tls_days", s.tlsExpiryDays())
        .param("now", SqlTime.ts(Instant.now()))
        .param("badge", "b" + id)
        .update();
    return id;
  }

  /** Inserts the monitor and schedules its first check now. */
  UUID create(UUID organizationId, String name, Spec s) {
    UUID id = insert(organizationId, name, s);
    schedule(id, Instant.now());
    return id;
  }

  void schedule(UUID id, Instant at) {
    tx.executeWithoutResult(
        status -> {
          try {
            checks.schedule(connection.current(), id, at);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  void unschedule(UUID id) {
    tx.executeWithoutResult(
        status -> {
          try {
            checks.unschedule(connection.current(), id);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  String state(UUID id) {
    return jdbc.sql("SELECT state FROM monitors WHERE id = :id")
        .param("id", id)
        .query(String.class)
        .single();
  }

  String stateReason(UUID id) {
    return jdbc.sql("SELECT state_reason FROM monitors WHERE id = :id")
        .param("id", id)
        .query(String.class)
        .single();
  }

  long checks(UUID id) {
    return jdbc.sql("SELECT count(*) FROM monitor_checks WHERE monitor_id = :id")
        .param("id", id)
        .query(Long.class)
        .single();
  }

  long tasks(UUID id) {
    return jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id")
        .param("id", id)
        .query(Long.class)
        .single();
  }

  String lastReason(UUID id) {
    return jdbc.sql(
            "SELECT reason FROM monitor_checks WHERE monitor_id = :id ORDER BY checked_at DESC"
                + " LIMIT 1")
        .param("id", id)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  long events(UUID id, String toState) {
    return jdbc.sql(
            "SELECT count(*) FROM monitor_events WHERE monitor_id = :id AND to_state = :state")
        .param("id", id)
        .param("state", toState)
        .query(Long.class)
        .single();
  }

  long openIncidents(UUID id, String condition) {
    return jdbc.sql(
            "SELECT count(*) FROM alert_incidents WHERE subject_id = :id AND condition = :c"
                + " AND state <> 'closed'")
        .param("id", id)
        .param("c", condition)
        .query(Long.class)
        .single();
  }
}
