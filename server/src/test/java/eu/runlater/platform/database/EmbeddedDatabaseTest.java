package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database a single node runs on by default: durable settings, data kept across starts, and no
 * login without a password (any process on the machine can reach 127.0.0.1).
 */
class EmbeddedDatabaseTest {

  @Test
  void runs_durable_and_keeps_its_data_across_restarts(@TempDir Path dataDir) throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
      try (Connection c = connect(db.url());
          Statement s = c.createStatement()) {
        assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
        assertThat(setting(s, "fsync")).isEqualTo("on");
        assertThat(setting(s, "listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(setting(s, "server_version")).startsWith("18.");
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('still here')");
      }
    }
    assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Connection c = connect(db.url());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
  }

  @Test
  void refuses_logins_without_the_password_and_gives_the_application_no_superuser_powers(
      @TempDir Path dataDir) throws Exception {
    Path passwords = dataDir.resolve("postgres-passwords");
    for (int start = 0; start < 2; start++) { // a fresh cluster, then a restart on it
      try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
        assertThat(Files.getPosixFilePermissions(passwords))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // The unpacked binaries: nobody else may replace them before the next start.
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("postgres-runtime")))
            .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.readString(passwords))
            .contains(db.url().password())
            .contains(db.superuserUrl().password());
        assertLoginsNeedThePassword(db);
        // Every migration (engine and every module) runs as the application role: none needs more.
        Migrations.migrate(
            Flyway.configure()
                .dataSource(db.url().jdbcUrl(), db.url().username(), db.url().password()));

        try (Connection c = connect(db.url());
            Statement s = c.createStatement()) {
          assertThat(scalar(s, "SELECT current_user")).isEqualTo("runlater");
          assertThat(scalar(s, "SELECT count(*) FROM tasks")).isEqualTo("0");
          assertThat(scalar(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"))
              .isEqualTo("false");
          // The role owns its schema: it creates and alters tables (Flyway runs as it).
          s.execute("CREATE TABLE IF NOT EXISTS owned (v text)");
          s.execute("ALTER TABLE owned ADD COLUMN IF NOT EXISTS w int");
          assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'true'"))
              .isInstanceOf(SQLException.class)
              .hasMessageContaining("permission denied");
          assertThatThrownBy(() -> s.executeQuery("SELECT pg_read_file('PG_VERSION')"))
              .isInstanceOf(SQLException.class)
              .hasMessageContaining("permission denied");
        }
      }
    }
  }

  @Test
  void upgrades_a_data_directory_made_when_logins_needed_no_password(@TempDir Path dataDir)
      throws Exception {
    // The data directory as the previous release left it: initdb's trust for every login, and
    // the tables, a partitioned table and an identity column's sequence owned by postgres.
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.resolve("postgres"))
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(dataDir.resolve("postgres-runtime").toFile())
            .setRegisterShutdownHook(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start()) {
      try (Connection c = old.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE runlater");
      }
      try (Connection c = old.getDatabase("postgres", "runlater").getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (id bigint GENERATED ALWAYS AS IDENTITY, v text)");
        s.execute("INSERT INTO kept (v) VALUES ('from before passwords')");
        s.execute("CREATE TABLE parted (at date NOT NULL) PARTITION BY RANGE (at)");
        s.execute(
            "CREATE TABLE parted_2026 PARTITION OF parted"
                + " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
      }
    }
    assertThat(EmbeddedDatabase.trusts(dataDir.resolve("postgres/pg_hba.conf"))).isTrue();

    for (int start = 0; start < 2; start++) { // the upgrade, then an ordinary restart
      try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
        assertThat(EmbeddedDatabase.trusts(dataDir.resolve("postgres/pg_hba.conf"))).isFalse();
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("postgres-passwords")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertLoginsNeedThePassword(db);
        try (Connection c = connect(db.url());
            Statement s = c.createStatement()) {
          assertThat(scalar(s, "SELECT v FROM kept WHERE id = 1"))
              .isEqualTo("from before passwords");
          // Owner of everything: it writes (the identity sequence came along), alters and drops.
          s.execute("INSERT INTO kept (v) VALUES ('after')");
          s.execute("ALTER TABLE kept ADD COLUMN IF NOT EXISTS w int");
          s.execute("ALTER TABLE parted_2026 SET (autovacuum_enabled = true)");
          s.execute(
              "CREATE TABLE IF NOT EXISTS parted_2027 PARTITION OF parted"
                  + " FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')");
          assertThat(
                  scalar(
                      s,
                      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                          + " c.relnamespace WHERE n.nspname = 'public' AND c.relowner <>"
                          + " 'runlater'::regrole"))
              .isEqualTo("0");
        }
      }
    }
  }

  private static void assertLoginsNeedThePassword(EmbeddedDatabase db) {
    for (String user : new String[] {"postgres", "runlater"}) {
      assertThatThrownBy(() -> DriverManager.getConnection(db.url().jdbcUrl(), user, null).close())
          .as("%s without a password", user)
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(
              () -> DriverManager.getConnection(db.url().jdbcUrl(), user, "wrong").close())
          .as("%s with a wrong password", user)
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
    }
  }

  static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
  }

  static String scalar(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String setting(Statement s, String name) throws Exception {
    return scalar(s, "SHOW " + name);
  }
}
