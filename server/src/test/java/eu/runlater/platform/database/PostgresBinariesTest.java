package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eu.runlater.support.LogCapture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart finds the unpacked PostgreSQL binaries through their alias instead of reading the whole
 * archive again; a first start, and a start whose alias lost its binaries, go the library's own way
 * and leave an alias behind.
 */
class PostgresBinariesTest {

  /**
   * The library keeps the binaries it prepared for each resolver for the JVM's life: a start in
   * this JVM before (another test's, in another directory) would be reused, and these starts would
   * not unpack into their own runtime directory as a new process's first start does. Forgotten
   * here, so each test starts as a new process would.
   */
  @BeforeEach
  void forgetBinariesPreparedEarlierInThisJvm() throws Exception {
    Field prepared = EmbeddedPostgres.class.getDeclaredField("PREPARE_BINARIES");
    prepared.setAccessible(true);
    ((Map<?, ?>) prepared.get(null)).clear();
  }

  @Test
  void the_archive_on_the_class_path_has_a_stamp() {
    // Without one every start would read the archive: the point of the class.
    assertThat(PostgresBinaries.onClassPath().resolver(Path.of("/nonexistent"))).isEmpty();
    assertThat(PostgresBinaries.stamp("postgres-linux-x86_64.txz"))
        .hasValueSatisfying(s -> assertThat(s).contains("size ").contains("crc "));
  }

  @Test
  void a_restart_runs_the_binaries_through_their_alias(@TempDir Path dataDir) throws Exception {
    Path runtime = dataDir.resolve("postgres-runtime");
    PostgresBinaries binaries = PostgresBinaries.onClassPath();
    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(dataDir, Optional.empty())) {
      assertThat(binaries.resolver(runtime)).isPresent();
    }
    Path alias = aliasIn(runtime);
    assertThat(Files.isSymbolicLink(alias)).isTrue();
    assertThat(Files.readSymbolicLink(alias).toString()).startsWith("PG-");
    assertThat(alias.resolve(".exists")).exists();

    try (LogCapture logs = LogCapture.of(EmbeddedPostgres.class);
        EmbeddedDatabase db = EmbeddedDatabase.startNow(dataDir, Optional.empty());
        Connection c =
            DriverManager.getConnection(
                db.url().jdbcUrl(), db.url().username(), db.url().password())) {
      assertThat(c.isValid(1)).isTrue();
      assertThat(logs.at(Level.INFO))
          .anySatisfy(
              e -> assertThat(e.getFormattedMessage()).isEqualTo("Postgres binaries at " + alias));
    }
  }

  @Test
  void an_alias_whose_binaries_are_gone_is_not_used_and_is_made_again(@TempDir Path dataDir)
      throws Exception {
    Path runtime = dataDir.resolve("postgres-runtime");
    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(dataDir, Optional.empty())) {
      assertThat(db.port()).isPositive();
    }
    Path alias = aliasIn(runtime);
    Path real = runtime.resolve(Files.readSymbolicLink(alias));
    // The binaries deleted (an operator cleaning up): the alias dangles.
    deleteTree(real);
    assertThat(PostgresBinaries.onClassPath().resolver(runtime)).isEmpty();

    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(dataDir, Optional.empty());
        Connection c =
            DriverManager.getConnection(
                db.url().jdbcUrl(), db.url().username(), db.url().password())) {
      assertThat(c.isValid(1)).isTrue();
    }
    assertThat(alias.resolve(".exists")).exists();
    assertThat(PostgresBinaries.onClassPath().resolver(runtime)).isPresent();
  }

  private static Path aliasIn(Path runtime) {
    String stamp = PostgresBinaries.stamp("postgres-linux-x86_64.txz").orElseThrow();
    return runtime.resolve(PostgresBinaries.aliasName(stamp));
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
