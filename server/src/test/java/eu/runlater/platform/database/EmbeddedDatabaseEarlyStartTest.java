package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * {@code main} starts the embedded PostgreSQL on its first line, from what the command line, the
 * system properties and the environment say; once Spring has read its configuration, that
 * configuration decides: the guess is kept when it was right, stopped when a configuration file set
 * an external database or another data directory (and the right one started).
 */
class EmbeddedDatabaseEarlyStartTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("runlater.data-dir");
  }

  @Test
  void the_command_line_wins_over_system_properties_which_win_over_the_environment() {
    System.setProperty("runlater.data-dir", "/from/property");
    String[] args = {"--server.port=0", "--runlater.data-dir=/from/args"};

    assertThat(EmbeddedDatabaseEarlyStart.setting(args, "runlater.data-dir", "NO_SUCH_VARIABLE"))
        .isEqualTo("/from/args");
    assertThat(EmbeddedDatabaseEarlyStart.setting(new String[0], "runlater.data-dir", "NO_SUCH"))
        .isEqualTo("/from/property");
    assertThat(EmbeddedDatabaseEarlyStart.setting(new String[0], "no.such.setting", "PATH"))
        .isEqualTo(System.getenv("PATH"));
  }

  @Test
  void a_right_guess_is_the_database_the_bean_takes() throws Exception {
    Path data = dir.resolve("data");
    EmbeddedDatabaseEarlyStart.begin(new String[] {"--runlater.data-dir=" + data});
    assertThat(EmbeddedDatabaseEarlyStart.pendingFor(data)).isTrue();

    new EmbeddedDatabaseEarlyStart()
        .onApplicationEvent(prepared(Map.of("runlater.data-dir", data)));

    assertThat(EmbeddedDatabaseEarlyStart.pendingFor(data)).isTrue();
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data)) {
      assertThat(EmbeddedDatabaseEarlyStart.pendingFor(data)).isFalse();
      assertThat(running(data)).isTrue();
      assertThat(database.url().jdbcUrl()).contains(":" + database.port() + "/");
    }
    assertThat(running(data)).isFalse();
  }

  @Test
  void a_database_url_in_the_configuration_stops_the_guessed_embedded_database() {
    Path data = dir.resolve("data");
    EmbeddedDatabaseEarlyStart.begin(new String[] {"--runlater.data-dir=" + data});

    new EmbeddedDatabaseEarlyStart()
        .onApplicationEvent(
            prepared(
                Map.of(
                    "runlater.data-dir",
                    data,
                    "runlater.database-url",
                    "postgresql://elsewhere:5432/runlater")));

    // It had started (its cluster was made) and is stopped, and nothing is left pending.
    assertThat(data.resolve("postgres/PG_VERSION")).exists();
    assertThat(running(data)).isFalse();
    assertThat(EmbeddedDatabaseEarlyStart.pendingFor(data)).isFalse();
  }

  @Test
  void another_data_directory_in_the_configuration_stops_the_guess_and_starts_that_one()
      throws Exception {
    Path guessed = dir.resolve("guessed");
    Path configured = dir.resolve("configured");
    EmbeddedDatabaseEarlyStart.begin(new String[] {"--runlater.data-dir=" + guessed});

    new EmbeddedDatabaseEarlyStart()
        .onApplicationEvent(prepared(Map.of("runlater.data-dir", configured)));

    assertThat(guessed.resolve("postgres/PG_VERSION")).exists();
    assertThat(running(guessed)).isFalse();
    assertThat(EmbeddedDatabaseEarlyStart.pendingFor(configured)).isTrue();
    try (EmbeddedDatabase database = EmbeddedDatabase.start(configured)) {
      assertThat(running(configured)).isTrue();
    }
  }

  /** Whether a PostgreSQL runs on the cluster under {@code data} (its pid file is there). */
  private static boolean running(Path data) {
    return Files.exists(data.resolve("postgres/postmaster.pid"));
  }

  private static ApplicationEnvironmentPreparedEvent prepared(Map<String, Object> settings) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "test",
                settings.entrySet().stream()
                    .collect(
                        Collectors.toMap(
                            Map.Entry::getKey, e -> (Object) e.getValue().toString()))));
    return new ApplicationEnvironmentPreparedEvent(
        new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment);
  }
}
