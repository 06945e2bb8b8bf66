package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.support.Api;
import eu.runlater.testing.TestPostgres;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The first start prints a working key once; later starts print none. */
@ExtendWith(OutputCaptureExtension.class)
class InstanceBootstrapTest {
  private static final Pattern KEY = Pattern.compile("pk_live_[a-z2-7]{16}\\.sk_live_\\S{43}");

  @Test
  void first_start_prints_a_working_key_once_and_later_starts_never_do(
      @TempDir Path dataDir, CapturedOutput output) {
    String database = TestPostgres.freshDatabase();
    String[] args = {
      "--server.port=0",
      "--runlater.database-url=" + TestPostgres.jdbcUrl(database),
      "--runlater.data-dir=" + dataDir
    };

    String key;
    try (ConfigurableApplicationContext app = start(args)) {
      Matcher m = KEY.matcher(output.getOut());
      assertThat(m.find()).as("a key is printed on first start").isTrue();
      key = m.group();
      assertThat(KEY.matcher(output.getOut()).results().map(r -> r.group()).distinct())
          .as("one key is created")
          .containsExactly(key);
      assertThat(output.getOut().split("printed once", -1))
          .as("the key block is printed once")
          .hasSize(2);
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      assertThat(output.getOut())
          .contains("http://localhost:" + port + "/api/v1")
          .contains("Dashboard  http://localhost:" + port + "/");
      // The key is printed to standard output, never logged.
      assertThat(output.getErr()).doesNotContain(key);

      var org = new Api(port).get("/api/v1/organization", key);
      assertThat(org.status()).isEqualTo(200);
      assertThat(org.json().get("slug").asString()).isEqualTo("default");
    }

    int before = output.getOut().length();
    try (ConfigurableApplicationContext app = start(args)) {
      String secondStart = output.getOut().substring(before);
      assertThat(secondStart).contains("Runlater is ready");
      assertThat(KEY.matcher(secondStart).find()).isFalse();
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      assertThat(new Api(port).get("/api/v1/organization", key).status()).isEqualTo(200);
    }
  }

  private static ConfigurableApplicationContext start(String[] args) {
    return new SpringApplicationBuilder(RunlaterApplication.class).run(args);
  }
}
