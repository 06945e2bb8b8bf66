package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database a single node runs on by default: durable settings, data kept across starts. */
class EmbeddedDatabaseTest {

  @Test
  void runs_durable_and_keeps_its_data_across_restarts(@TempDir Path dataDir) throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
      try (Connection c = connect(db);
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
        Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("still here");
    }
  }

  private static Connection connect(EmbeddedDatabase db) throws Exception {
    return DriverManager.getConnection(db.url().jdbcUrl(), db.url().username(), null);
  }

  private static String setting(Statement s, String name) throws Exception {
    try (ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
