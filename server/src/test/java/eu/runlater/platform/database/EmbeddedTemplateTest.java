package eu.runlater.platform.database;

import static eu.runlater.platform.database.EmbeddedDatabaseTest.connect;
import static eu.runlater.platform.database.EmbeddedDatabaseTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import eu.runlater.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's template database: a first start copies it (binaries, cluster, schema) instead of
 * unpacking, initdb and migrating, and gets passwords of its own before anything can log in.
 */
class EmbeddedTemplateTest {
  @TempDir static Path dir;
  static Path template;

  @BeforeAll
  static void make() throws Exception {
    template = EmbeddedTemplate.make(dir.resolve("template"));
  }

  @AfterAll
  static void unset() {
    System.clearProperty(EmbeddedTemplate.PROPERTY);
  }

  @Test
  void holds_a_stopped_migrated_cluster_and_the_unpacked_binaries_but_no_passwords()
      throws Exception {
    assertThat(template.resolve("cluster/PG_VERSION")).exists();
    assertThat(template.resolve("cluster/postmaster.pid")).doesNotExist();
    assertThat(template.resolve(EmbeddedPasswords.FILE)).doesNotExist();
    assertThat(dir.resolve("template.making")).doesNotExist();
    try (Stream<Path> binaries = Files.list(template.resolve("runtime"))) {
      assertThat(binaries.toList())
          .singleElement()
          .satisfies(pg -> assertThat(pg.resolve(".exists")).exists());
    }
    assertThat(Files.getPosixFilePermissions(template))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void a_first_start_copies_it_with_new_passwords_and_finds_the_schema_migrated(
      @TempDir Path first, @TempDir Path second) throws Exception {
    DatabaseUrl firstSuperuser;
    try (LogCapture logs = LogCapture.of(EmbeddedDatabase.class);
        EmbeddedDatabase db = EmbeddedDatabase.startNow(first, Optional.of(template))) {
      assertThat(logs.at(Level.INFO))
          .anySatisfy(
              e -> assertThat(e.getFormattedMessage()).startsWith("New database copied from"));
      assertThat(logs.at(Level.WARN)).isEmpty();
      firstSuperuser = db.superuserUrl();
      try (Connection c = connect(db.url());
          Statement s = c.createStatement()) {
        assertThat(scalar(s, "SELECT current_user")).isEqualTo("runlater");
        assertThat(scalar(s, "SELECT count(*) FROM tasks")).isEqualTo("0");
        // This build's migrations are recorded as done: the start skips them.
        assertThat(scalar(s, "SELECT fingerprint FROM platform_schema_fingerprint"))
            .isEqualTo(Migrations.fingerprint(Migrations.class.getClassLoader()));
      }
      try (Connection c = connect(db.superuserUrl())) {
        assertThat(c.isValid(1)).isTrue();
      }
      assertOnlyItsOwnPasswordsWork(db);
      // The binaries were found where the library looks, not unpacked again.
      try (Stream<Path> binaries = Files.list(first.resolve("postgres-runtime"))) {
        // (Beside them, their alias for later starts: PostgresBinaries.)
        assertThat(
                binaries
                    .filter(p -> p.getFileName().toString().startsWith("PG-"))
                    .filter(p -> !Files.isSymbolicLink(p))
                    .toList())
            .singleElement()
            .satisfies(pg -> assertThat(pg.resolve(".exists")).exists());
      }
    }

    // A second directory from the same template: passwords of its own.
    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(second, Optional.of(template))) {
      assertThat(db.superuserUrl().password()).isNotEqualTo(firstSuperuser.password());
      DatabaseUrl stale = firstSuperuser;
      assertThatThrownBy(
              () -> DriverManager.getConnection(db.url().jdbcUrl(), "postgres", stale.password()))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
    }

    // A restart of the first: its own cluster now, kept as it was.
    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(first, Optional.of(template));
        Connection c = connect(db.url());
        Statement s = c.createStatement()) {
      assertThat(scalar(s, "SELECT count(*) FROM tasks")).isEqualTo("0");
    }
    assertThat(template.resolve("cluster/postmaster.pid")).doesNotExist();
  }

  @Test
  void a_template_that_cannot_be_copied_is_passed_over_for_a_new_database(
      @TempDir Path broken, @TempDir Path dataDir) throws Exception {
    // A cluster without the binaries it needs (the template's runtime folder is empty).
    Files.createDirectories(broken.resolve("runtime"));
    Files.createDirectories(broken.resolve("cluster"));
    Files.writeString(broken.resolve("cluster/PG_VERSION"), "18\n");
    try (LogCapture logs = LogCapture.of(EmbeddedDatabase.class);
        EmbeddedDatabase db = EmbeddedDatabase.startNow(dataDir, Optional.of(broken));
        Connection c = connect(db.url())) {
      assertThat(logs.at(Level.WARN))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getFormattedMessage())
                      .startsWith("Could not copy the database template"));
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void is_used_only_when_the_property_names_a_template() {
    System.setProperty(EmbeddedTemplate.PROPERTY, dir.resolve("nowhere").toString());
    assertThat(EmbeddedTemplate.configured()).isEmpty();
    System.setProperty(EmbeddedTemplate.PROPERTY, template.toString());
    assertThat(EmbeddedTemplate.configured()).contains(template);
    System.clearProperty(EmbeddedTemplate.PROPERTY);
    assertThat(EmbeddedTemplate.configured()).isEmpty();
  }

  private static void assertOnlyItsOwnPasswordsWork(EmbeddedDatabase db) {
    for (String user : new String[] {"postgres", "runlater"}) {
      assertThatThrownBy(() -> DriverManager.getConnection(db.url().jdbcUrl(), user, null).close())
          .as("%s without a password", user)
          .isInstanceOf(SQLException.class);
    }
  }
}
