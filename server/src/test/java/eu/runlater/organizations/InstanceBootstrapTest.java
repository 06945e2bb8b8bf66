package eu.runlater.organizations;

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

/**
 * The first start prints a working key once, with a one-time setup link; later starts print no key,
 * and a fresh setup link only while nobody has set the instance up.
 */
@ExtendWith(OutputCaptureExtension.class)
class InstanceBootstrapTest {
  private static final Pattern KEY = Pattern.compile("pk_live_[a-z2-7]{16}\\.sk_live_\\S{43}");
  private static final Pattern SETUP = Pattern.compile("(https?://\\S+)/setup\\?token=(\\S{43})");

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
    String firstLink;
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

      // Beside the key, the link that creates the owner account.
      Matcher setup = SETUP.matcher(output.getOut());
      assertThat(setup.find()).as("a setup link is printed on first start").isTrue();
      assertThat(setup.group(1)).isEqualTo("http://localhost:" + port);
      assertThat(output.getErr()).doesNotContain(setup.group(2));
      firstLink = setup.group(2);
      assertThat(new eu.runlater.support.Browser(port).get("/setup?token=" + firstLink).status())
          .isEqualTo(200);
    }

    int before = output.getOut().length();
    try (ConfigurableApplicationContext app = start(args)) {
      String secondStart = output.getOut().substring(before);
      assertThat(secondStart).contains("Runlater is ready");
      assertThat(KEY.matcher(secondStart).find()).isFalse();
      // Within a minute of the first link (as a node started beside the first one), no new link,
      // but a line that says the last one still works.
      assertThat(SETUP.matcher(secondStart).find()).isFalse();
      assertThat(secondStart)
          .contains("A setup link was", "printed less than a minute ago", "still works");
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      assertThat(new Api(port).get("/api/v1/organization", key).status()).isEqualTo(200);
      // Nobody used the link; later, the operator who lost it restarts.
      ageSetupLinks(database);
    }

    before = output.getOut().length();
    String[] withBaseUrl = java.util.Arrays.copyOf(args, args.length + 1);
    withBaseUrl[args.length] = "--runlater.base-url=https://runlater.example.com/";
    try (ConfigurableApplicationContext app = start(withBaseUrl)) {
      String thirdStart = output.getOut().substring(before);
      assertThat(KEY.matcher(thirdStart).find()).isFalse();
      Matcher setup = SETUP.matcher(thirdStart);
      assertThat(setup.find()).as("a fresh setup link while nobody set up").isTrue();
      assertThat(setup.group(1)).isEqualTo("https://runlater.example.com");
      String link = setup.group(2);
      assertThat(link).isNotEqualTo(firstLink);
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      var browser = new eu.runlater.support.Browser(port);
      assertThat(browser.get("/setup?token=" + firstLink).status()).isEqualTo(404);
      browser.get("/setup?token=" + link);
      var created =
          browser.post(
              "/setup",
              java.util.Map.of(
                  "token", link, "email", "ops@example.com", "password", "a long enough password"));
      assertThat(created.redirectPath()).isEqualTo("/");
    }

    // Set up: later starts print neither key nor link.
    ageSetupLinks(database);
    before = output.getOut().length();
    try (ConfigurableApplicationContext app = start(args)) {
      String fourthStart = output.getOut().substring(before);
      assertThat(fourthStart).contains("Runlater is ready");
      assertThat(KEY.matcher(fourthStart).find()).isFalse();
      assertThat(SETUP.matcher(fourthStart).find()).isFalse();
      assertThat(fourthStart).doesNotContain("nobody has set it up");
    }
  }

  /** Makes the last setup link two minutes old, as if the next start came later. */
  private static void ageSetupLinks(String database) {
    try (var pool = TestPostgres.dataSource(database, 1)) {
      org.springframework.jdbc.core.simple.JdbcClient.create(pool)
          .sql(
              "UPDATE instance_settings SET updated_at = now() - interval '2 minutes'"
                  + " WHERE key = 'setup_token_sha256'")
          .update();
    }
  }

  private static ConfigurableApplicationContext start(String[] args) {
    return new SpringApplicationBuilder(RunlaterApplication.class).run(args);
  }
}
