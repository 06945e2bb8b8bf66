package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Migrations;
import eu.runlater.platform.database.Migrations.Chain;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The monthly usage count in shards (organizations V7): claims counting for one organization at
 * once do not wait for each other, every read sums the shards, and a quota decision still takes
 * turns, so two claims cannot both spend the last of a quota. On real PostgreSQL, each claim a
 * connection of its own in an open transaction, as the engine's claims are.
 */
class UsageMeterTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final LocalDate MONTH = LocalDate.parse("2026-11-01");
  static final UUID COUNTED_BEFORE = UUID.randomUUID();

  static HikariDataSource dataSource;
  static JdbcClient jdbc;

  /** Migrated to organizations V6, a month counted there, then to the end (V7 on that row). */
  @BeforeAll
  static void database() throws SQLException {
    String database = TestPostgres.emptyDatabase("usage_meter");
    for (Chain chain : Migrations.CHAINS) {
      TestPostgres.migrate(
          database,
          chain.location(),
          chain.historyTable(),
          chain.module().equals("organizations") ? "6" : null);
    }
    dataSource = TestPostgres.dataSource(database, 6);
    jdbc = JdbcClient.create(dataSource);
    organization(COUNTED_BEFORE, Tier.FREE);
    jdbc.sql(
            "INSERT INTO usage_months (organization_id, month, deliveries)"
                + " VALUES (:org, :month, 40)")
        .param("org", COUNTED_BEFORE)
        .param("month", MONTH)
        .update();
    Migrations.migrate(dataSource);
  }

  @AfterAll
  static void close() {
    dataSource.close();
  }

  @Test
  void a_month_counted_before_the_shards_is_their_shard_zero() {
    assertThat(
            jdbc.sql("SELECT shard FROM usage_months WHERE organization_id = :org")
                .param("org", COUNTED_BEFORE)
                .query(Integer.class)
                .list())
        .containsExactly(0);
    assertThat(UsageMeter.thisMonth(jdbc, COUNTED_BEFORE, NOW)).isEqualTo(40);
  }

  @Test
  void two_claims_counting_for_one_organization_do_not_wait_for_each_other() throws SQLException {
    UUID org = organization(UUID.randomUUID(), Tier.PRO);
    try (Connection first = claim();
        Connection second = claim()) {
      // Made one after the other, as two claims on a node are: each takes a shard of its own.
      // Quotas not enforced (the server's default): every delivery is counted, none decided.
      UsageMeter one = new UsageMeter(ConnectionSql.on(first), NOW, false);
      UsageMeter two = new UsageMeter(ConnectionSql.on(second), NOW, false);
      for (int i = 0; i < 3; i++) {
        assertThat(one.allow(org, Tier.PRO)).isTrue();
      }
      one.flush();
      // The first claim's transaction is open: a wait for its row would end at lock_timeout with
      // an error, never by itself.
      two.charge(org);
      two.charge(org);
      two.flush();
      second.commit();
      first.commit();
    }
    assertThat(UsageMeter.thisMonth(jdbc, org, NOW)).isEqualTo(5);
    assertThat(
            jdbc.sql("SELECT shard FROM usage_months WHERE organization_id = :org ORDER BY shard")
                .param("org", org)
                .query(Integer.class)
                .list())
        .hasSize(2)
        .doesNotContain(0);
  }

  @Test
  void two_claims_cannot_both_spend_the_last_of_a_quota() throws Exception {
    long limit = Tier.FREE.limits().requestsPerMonth();
    UUID org = organization(UUID.randomUUID(), Tier.FREE);
    // limit - 1 counted, in two shards: shard 0 and a retry's shard.
    jdbc.sql(
            "INSERT INTO usage_months (organization_id, month, shard, deliveries)"
                + " VALUES (:org, :month, 0, :n)")
        .param("org", org)
        .param("month", MONTH)
        .param("n", limit - 2)
        .update();
    try (Connection retry = claim()) {
      UsageMeter meter = new UsageMeter(ConnectionSql.on(retry), NOW, true);
      meter.charge(org);
      meter.flush();
      retry.commit();
    }
    assertThat(UsageMeter.thisMonth(jdbc, org, NOW)).isEqualTo(limit - 1);

    ExecutorService thread = Executors.newSingleThreadExecutor();
    try (Connection first = claim();
        Connection second = claim()) {
      UsageMeter one = new UsageMeter(ConnectionSql.on(first), NOW, true);
      assertThat(one.allow(org, Tier.FREE)).isTrue();
      assertThat(one.allow(org, Tier.FREE)).isFalse();
      one.flush();

      int secondPid = pid(second);
      unlimitedLockWait(second);
      CompletableFuture<Boolean> other =
          CompletableFuture.supplyAsync(
              () -> {
                UsageMeter two = new UsageMeter(ConnectionSql.on(second), NOW, true);
                boolean allowed = two.allow(org, Tier.FREE);
                two.flush();
                commit(second);
                return allowed;
              },
              thread);
      // The second decision waits for the first claim's lock on the month...
      Sink.await(
          WAIT, "the second claim to wait for the first's lock", () -> waitsForLock(secondPid));
      assertThat(other).isNotDone();
      first.commit();
      // ...and then counts what the first allowed.
      assertThat(other.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isFalse();
    } finally {
      thread.shutdownNow();
    }
    assertThat(UsageMeter.thisMonth(jdbc, org, NOW)).isEqualTo(limit);
  }

  @Test
  void a_delivery_that_runs_whatever_the_quota_does_not_wait_for_a_quota_decision()
      throws SQLException {
    UUID org = organization(UUID.randomUUID(), Tier.FREE);
    try (Connection deciding = claim();
        Connection retry = claim()) {
      UsageMeter one = new UsageMeter(ConnectionSql.on(deciding), NOW, true);
      assertThat(one.allow(org, Tier.FREE)).isTrue();
      one.flush();
      UsageMeter two = new UsageMeter(ConnectionSql.on(retry), NOW, true);
      two.charge(org);
      two.flush(); // would end at lock_timeout if it waited for the decision's lock
      retry.commit();
      deciding.commit();
    }
    assertThat(UsageMeter.thisMonth(jdbc, org, NOW)).isEqualTo(2);
  }

  /** A connection in an open transaction that gives up on any lock it waits a second for. */
  private static Connection claim() throws SQLException {
    Connection c = dataSource.getConnection();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '1s'");
    }
    return c;
  }

  private static void unlimitedLockWait(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = 0");
    }
  }

  private static void commit(Connection c) {
    try {
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int pid(Connection c) {
    return ConnectionSql.on(c).sql("SELECT pg_backend_pid()").query(Integer.class).single();
  }

  private static boolean waitsForLock(int pid) {
    return "Lock"
        .equals(
            jdbc.sql("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
                .param("pid", pid)
                .query(String.class)
                .optional()
                .orElse(null));
  }

  private static UUID organization(UUID id, Tier tier) {
    jdbc.sql(
            "INSERT INTO organizations (id, name, slug, tier, signing_secret, created_at,"
                + " updated_at) VALUES (:id, 'Org', :slug, :tier, '\\x00', now(), now())")
        .param("id", id)
        .param("slug", "org-" + id)
        .param("tier", tier.code())
        .update();
    return id;
  }
}
