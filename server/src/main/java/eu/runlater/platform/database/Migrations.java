package eu.runlater.platform.database;

import eu.runlater.engine.EngineSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Every module's migrations, run in one place and in the order their foreign keys need.
 *
 * <p>Each module numbers its own migrations (V1, V2, …) in its own folder, {@code db/<module>}, and
 * keeps its own Flyway history, {@code <module>_schema_history}; the engine's are {@link
 * EngineSchema}'s. A module's migrations create and change only its own tables, and read or
 * reference only tables of the modules before it in {@link #CHAINS} (those it depends on: a foreign
 * key to {@code organizations}, a trigger that counts into {@code organization_usage}); the
 * engine's reference none of the server's.
 *
 * <p>A database that a release before this layout migrated has one history for everything, {@code
 * flyway_schema_history}: {@link LegacyHistory} adopts it on the first run.
 *
 * <p>One node migrates at a time (a session advisory lock; the others wait, then find nothing to
 * do). A run stopped halfway resumes where it stopped: each chain records its own progress.
 *
 * <p>A complete run records a digest of every chain's migration files ({@link #fingerprint}). A
 * start that finds its own files' digest recorded skips Flyway: nothing changed since a run that
 * migrated and validated these very files (ten chains scanned and validated were about a tenth of a
 * restart). Any difference (a new, changed or removed file, another release's files, a database no
 * run of this layout finished) runs every chain as before, validation included.
 */
public final class Migrations {
  private Migrations() {}

  /**
   * One module's migrations.
   *
   * @param legacyVersions the versions of the single history, before this layout, that brought this
   *     module's V1, V2, … in that order (the single chain's V1 held the first migration of
   *     accounts, organizations, apikeys and platform); empty for a module born after it
   */
  public record Chain(
      String module, String location, String historyTable, List<String> legacyVersions) {

    static Chain of(String module, String... legacyVersions) {
      return new Chain(
          module, "classpath:db/" + module, module + "_schema_history", List.of(legacyVersions));
    }
  }

  /** In the order they run: each chain's foreign keys point only at chains before it. */
  public static final List<Chain> CHAINS =
      List.of(
          new Chain(
              "engine", EngineSchema.LOCATION, EngineSchema.HISTORY_TABLE, List.of("2", "8", "17")),
          // users, sign-in tokens and failures
          Chain.of("accounts", "1", "11", "13", "14", "16.1"),
          // organizations, memberships, invites and their sends, usage counters
          Chain.of("organizations", "1", "5", "12", "18", "18.1"),
          Chain.of("apikeys", "1", "15", "20"),
          // the live feed's changes that no execution shows
          Chain.of("executions"),
          // jobs (cron columns and pauses included) and their usage trigger
          Chain.of("jobs", "3", "4", "18"),
          // queues, messages, dedup, topics, rate reservations and the messages' usage triggers
          Chain.of("queues", "6", "7", "9", "10", "18"),
          // instance settings, idempotency keys, sessions (and the dev mailbox that was)
          Chain.of("platform", "1", "3", "11", "16", "20.1"),
          // alert channels, rules, maintenance windows, incidents and the notification log
          Chain.of("alerts"),
          // heartbeat and uptime monitors, their pings, checks and timeline
          Chain.of("monitors"),
          // status pages, their components, incidents and updates, subscribers
          Chain.of("status"),
          // inbound webhook sources, the requests they received, their dedup keys
          Chain.of("inbound"),
          // workflows, their versions, runs and run steps
          Chain.of("workflows"));

  /**
   * Runs every chain's pending migrations on {@code dataSource}, with Flyway's defaults. Flyway is
   * not even configured when the recorded digest matches (its configuration and plugins cost more
   * than the whole check).
   */
  public static void migrate(DataSource dataSource) {
    migrate(
        dataSource,
        () -> Flyway.configure().dataSource(dataSource),
        fingerprint(Migrations.class.getClassLoader()));
  }

  /**
   * Runs every chain's pending migrations with {@code base}'s data source and settings; location,
   * history table and baseline are each chain's.
   */
  public static void migrate(Configuration base) {
    migrate(base, fingerprint(Migrations.class.getClassLoader()));
  }

  static void migrate(Configuration base, String fingerprint) {
    migrate(base.getDataSource(), () -> base, fingerprint);
  }

  private static void migrate(
      DataSource dataSource, Supplier<Configuration> settings, String fingerprint) {
    DataSource unbounded = withoutNetworkTimeout(dataSource);
    try (Connection connection = unbounded.getConnection()) {
      JdbcClient sql = ConnectionSql.on(connection);
      if (fingerprint.equals(recorded(sql))) {
        return;
      }
      Configuration base = settings.get();
      sql.sql(MigrationQueries.MIGRATIONS_LOCK).query().singleRow();
      try {
        LegacyHistory legacy = LegacyHistory.read(sql);
        for (Chain chain : CHAINS) {
          Flyway.configure()
              .configuration(base)
              .dataSource(unbounded)
              .locations(chain.location())
              // Each chain scans its own location. Boot's configuration may carry a resource
              // provider made for spring.flyway.locations (with Spring AOT on, the one for native
              // images), which would find none of a chain's files and baseline it empty.
              .resourceProvider(null)
              .javaMigrationClassProvider(null)
              .table(chain.historyTable())
              // A chain without its history in a schema that other chains have filled: from its
              // V1, or past what the single history ran of it. Only the first chain of a fresh
              // install meets an empty schema; if it finds tables there, Flyway refuses, as it
              // did before this layout, rather than writing into someone else's database.
              .baselineOnMigrate(legacy != null || chain != CHAINS.getFirst())
              .baselineVersion(legacy == null ? "0" : legacy.adoptedVersion(chain))
              .baselineDescription(
                  legacy == null ? "<< Flyway Baseline >>" : "<< " + legacy.describe() + " >>")
              .target("latest")
              .load()
              .migrate();
        }
        if (legacy != null) {
          legacy.retire(connection, sql);
        }
        sql.sql(MigrationQueries.FINGERPRINT_RECORD).param(fingerprint).update();
      } finally {
        sql.sql(MigrationQueries.MIGRATIONS_UNLOCK).query().singleRow();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not migrate the database", e);
    }
  }

  private static String recorded(JdbcClient sql) {
    if (!sql.sql(MigrationQueries.FINGERPRINT_TABLE_EXISTS).query(Boolean.class).single()) {
      return null;
    }
    List<String> recorded =
        sql.sql(MigrationQueries.FINGERPRINT_RECORDED).query(String.class).list();
    return recorded.isEmpty() ? null : recorded.getFirst();
  }

  /**
   * A digest (SHA-256, hex) of the migration files of every chain: each file's path within its
   * chain's location and its bytes, in chain order and by path within a chain, as {@code loader}
   * finds them.
   */
  static String fingerprint(ClassLoader loader) {
    var resources = new PathMatchingResourcePatternResolver(loader);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Chain chain : CHAINS) {
        String folder = chain.location().substring("classpath:".length());
        var files = new TreeMap<String, Resource>();
        for (Resource file : resources.getResources("classpath*:" + folder + "/**/*.sql")) {
          String url = file.getURL().toString();
          files.put(url.substring(url.lastIndexOf(folder + "/")), file);
        }
        for (var file : files.entrySet()) {
          digest.update(file.getKey().getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0);
          try (InputStream in = file.getValue().getInputStream()) {
            digest.update(in.readAllBytes());
          }
          digest.update((byte) 0);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("could not read the migration files", e);
    }
  }

  /**
   * {@code dataSource} whose connections wait on the database for as long as it takes: a migration
   * on a large table may run for minutes, past the pool's backstop ({@link
   * StatementTimeouts#BACKGROUND}). The pool restores its default when a connection returns.
   */
  static DataSource withoutNetworkTimeout(DataSource dataSource) {
    return new DelegatingDataSource(dataSource) {
      @Override
      public Connection getConnection() throws SQLException {
        return unbounded(super.getConnection());
      }

      @Override
      public Connection getConnection(String username, String password) throws SQLException {
        return unbounded(super.getConnection(username, password));
      }
    };
  }

  private static Connection unbounded(Connection c) throws SQLException {
    try {
      c.setNetworkTimeout(Runnable::run, 0);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }
}
