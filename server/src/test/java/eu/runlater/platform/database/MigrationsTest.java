package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.platform.database.Migrations.Chain;
import eu.runlater.testing.Sink;
import eu.runlater.testing.TestPostgres;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each module's migrations build the schema the single chain of the releases before them built
 * ({@code db/legacy}: that chain's files as they were, frozen, test-only), on a fresh database and
 * on a database adopted at any version of the single history.
 */
class MigrationsTest {
  static final String LEGACY = "classpath:db/legacy";
  static final String ORGANIZATIONS =
      """
      INSERT INTO organizations (id, name, slug, tier, signing_secret, created_at, updated_at)
      VALUES ('00000000-0000-7000-8000-000000000001', 'Pro', 'pro', 'pro', '\\x00', now(), now()),
             ('00000000-0000-7000-8000-000000000002', 'Free', 'free', 'free', '\\x00', now(), now())
      """;

  static String expected;

  @BeforeAll
  static void singleChainSchema() throws SQLException {
    String legacy = TestPostgres.emptyDatabase("legacy");
    migrateLegacy(legacy, null);
    // Migrations written after the split (engine V4 on) run on top of what the single chain built:
    // the reference is the single chain's schema adopted and brought up to date.
    migrate(legacy);
    expected = SchemaCatalog.describe(TestPostgres.jdbcUrl(legacy));
  }

  @Test
  void a_fresh_database_gets_the_schema_of_the_single_chain() throws SQLException {
    String database = TestPostgres.emptyDatabase("fresh");
    migrate(database);

    assertThat(SchemaCatalog.describe(TestPostgres.jdbcUrl(database))).isEqualTo(expected);
    assertThat(expected).contains("relation tasks", "trigger CREATE TRIGGER messages_usage_insert");
    for (Chain chain : Migrations.CHAINS) {
      assertThat(
              scalar(database, "SELECT count(*) FROM " + chain.historyTable() + " WHERE success"))
          .as(chain.module())
          .isPositive();
    }
  }

  @Test
  void a_start_on_the_schema_its_own_files_made_skips_flyway_and_any_other_runs_it()
      throws Exception {
    String database = TestPostgres.emptyDatabase("fingerprint");
    migrate(database);
    String own = Migrations.fingerprint(Migrations.class.getClassLoader());
    assertThat(text(database, "SELECT fingerprint FROM platform_schema_fingerprint"))
        .isEqualTo(own);

    try (var dataSource = TestPostgres.dataSource(database, 4);
        Connection peer =
            DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", null);
        Statement peerSql = peer.createStatement()) {
      var config = Flyway.configure().dataSource(dataSource);
      // A peer holds the migrations lock: the up-to-date start does not even wait for it...
      peerSql.execute(MigrationQueries.MIGRATIONS_LOCK);
      var fast = CompletableFuture.runAsync(() -> Migrations.migrate(config));
      fast.get(30, TimeUnit.SECONDS);

      // ...while a start with other files (another release's) waits for it, then runs every chain
      // and records its own digest.
      var full = CompletableFuture.runAsync(() -> Migrations.migrate(config, "another release"));
      Sink.await(
          Duration.ofSeconds(30),
          "the other release's start to wait for the lock",
          () -> waiting(database) == 1);
      assertThat(full).isNotDone();
      peerSql.execute(MigrationQueries.MIGRATIONS_UNLOCK);
      full.get(60, TimeUnit.SECONDS);
    }
    assertThat(text(database, "SELECT fingerprint FROM platform_schema_fingerprint"))
        .isEqualTo("another release");
    drop(database);
  }

  @Test
  void each_chain_finds_its_own_files_whatever_resource_provider_boot_configured()
      throws SQLException {
    // With Spring AOT on, Boot's Flyway carries a resource provider for spring.flyway.locations
    // only (the native-image one); it must not leave the chains without their files.
    String database = TestPostgres.emptyDatabase("provider");
    try (var dataSource = TestPostgres.dataSource(database, 4)) {
      Migrations.migrate(
          Flyway.configure().dataSource(dataSource).resourceProvider(new NoResources()));
    }
    assertThat(SchemaCatalog.describe(TestPostgres.jdbcUrl(database))).isEqualTo(expected);
    drop(database);
  }

  private static final class NoResources implements ResourceProvider {
    @Override
    public LoadableResource getResource(String name) {
      return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String... suffixes) {
      return List.of();
    }
  }

  @Test
  void the_digest_changes_with_any_migration_file(@TempDir Path extra) throws IOException {
    ClassLoader own = Migrations.class.getClassLoader();
    assertThat(Migrations.fingerprint(own)).isEqualTo(Migrations.fingerprint(own)).hasSize(64);

    Path added = extra.resolve("db/status/V999__later.sql");
    Files.createDirectories(added.getParent());
    Files.writeString(added, "SELECT 1;");
    try (var withAdded = new URLClassLoader(new URL[] {extra.toUri().toURL()}, own)) {
      assertThat(Migrations.fingerprint(withAdded)).isNotEqualTo(Migrations.fingerprint(own));
    }
  }

  @Test
  void no_migration_is_left_where_nothing_runs_it() {
    // Boot's default location: a file added there (a merge from before the split) would never run.
    assertThat(MigrationsTest.class.getResource("/db/migration")).isNull();
  }

  @Test
  void a_database_at_any_version_of_the_single_history_is_adopted_and_upgraded()
      throws SQLException, InterruptedException {
    // One database moved up the single chain a version at a time, copied at each; organizations
    // exist from V1 on, as on a server that ran then.
    String steps = TestPostgres.emptyDatabase("legacy_steps");
    Map<String, String> copies = new LinkedHashMap<>();
    for (MigrationInfo step : legacyVersions()) {
      String version = step.getVersion().getVersion();
      migrateLegacy(steps, version);
      if (version.equals("1")) {
        execute(steps, ORGANIZATIONS);
      }
      String copy = steps + "_v" + version.replace('.', '_');
      execute("postgres", "CREATE DATABASE " + copy + " TEMPLATE " + steps);
      copies.put(version, copy);
    }
    assertThat(copies).hasSize(22).containsKeys("1", "8", "16.1", "18.1", "20.1");

    // Each copy is adopted and checked on its own database, three at once: the 22 adoptions (each
    // runs every module's chain) share nothing, and one after another they took most of a minute.
    List<String> versions = copies.keySet().stream().toList();
    List<Callable<Void>> adoptions = new ArrayList<>();
    for (var copy : copies.entrySet()) {
      adoptions.add(
          () -> {
            adoptedAndUpgraded(copy.getKey(), copy.getValue(), versions);
            return null;
          });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
      for (Future<Void> adoption : pool.invokeAll(adoptions)) {
        try {
          adoption.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AssertionError failed) {
            throw failed;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    }
    drop(steps);

    // Adopted at the last version: every module's history is one baseline, nothing ran.
    String last = copies.get("20.1");
    for (Chain chain : Migrations.CHAINS) {
      assertThat(
              scalar(
                  last,
                  "SELECT version::int FROM "
                      + chain.historyTable()
                      + " WHERE type = 'BASELINE' AND description LIKE '%20.1%'"))
          .as(chain.module())
          .isEqualTo(chain.legacyVersions().size());
    }
    // And a second start finds nothing to do.
    migrate(last);
    assertThat(SchemaCatalog.describe(TestPostgres.jdbcUrl(last))).isEqualTo(expected);
    drop(last);
  }

  /** The copy at {@code version} is adopted by the module chains and ends with their schema. */
  private static void adoptedAndUpgraded(String version, String database, List<String> versions)
      throws SQLException {
    migrate(database);

    assertThat(SchemaCatalog.describe(TestPostgres.jdbcUrl(database)))
        .as("schema adopted at V" + version)
        .isEqualTo(expected);
    assertThat(scalar(database, "SELECT (to_regclass('flyway_schema_history') IS NULL)::int"))
        .isEqualTo(1);
    assertThat(scalar(database, "SELECT count(*) FROM flyway_schema_history_legacy"))
        .isEqualTo(versions.indexOf(version) + 1);
    // V8 gave the organizations it found their tier's cap and adoption keeps them; migrations
    // write no other module's table, so a database that never ran V8 gets its caps when the
    // server starts (organizations.TierConcurrency, TierConcurrencyTest), not from here.
    boolean ranV8 = versions.indexOf(version) >= versions.indexOf("8");
    assertThat(
            text(
                database,
                "SELECT string_agg(max_running::text, ',' ORDER BY max_running)"
                    + " FROM organization_caps"))
        .as("caps at V" + version)
        .isEqualTo(ranV8 ? "20,500" : null);
    if (!version.equals("20.1")) {
      drop(database);
    }
  }

  @Test
  void a_single_history_with_a_failed_migration_is_not_adopted() throws SQLException {
    String database = TestPostgres.emptyDatabase("legacy_failed");
    migrateLegacy(database, null);
    execute(database, "UPDATE flyway_schema_history SET success = false WHERE version = '20.1'");

    assertThatThrownBy(() -> migrate(database))
        .hasMessageContaining("flyway_schema_history records migration 20.1 as failed");
    assertThat(scalar(database, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(22);
  }

  private static List<MigrationInfo> legacyVersions() throws SQLException {
    String empty = TestPostgres.emptyDatabase("legacy_info");
    List<MigrationInfo> all = new ArrayList<>();
    for (MigrationInfo info : legacy(empty).info().pending()) {
      all.add(info);
    }
    drop(empty);
    return all;
  }

  private static void migrateLegacy(String database, String target) {
    var flyway = legacy(database);
    if (target != null) {
      flyway = Flyway.configure().configuration(flyway.getConfiguration()).target(target).load();
    }
    flyway.migrate();
  }

  private static Flyway legacy(String database) {
    return Flyway.configure()
        .dataSource(TestPostgres.jdbcUrl(database), "postgres", null)
        .locations(LEGACY)
        .load();
  }

  private static void migrate(String database) {
    try (var dataSource = TestPostgres.dataSource(database, 4)) {
      Migrations.migrate(dataSource);
    }
  }

  private static long waiting(String database) {
    try {
      return scalar(
          database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void execute(String database, String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  // Fewer databases left for the shared server to checkpoint when the test JVM stops it.
  private static void drop(String database) throws SQLException {
    execute("postgres", "DROP DATABASE " + database + " WITH (FORCE)");
  }

  private static String text(String database, String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long scalar(String database, String sql) throws SQLException {
    return Long.parseLong(text(database, sql));
  }
}
