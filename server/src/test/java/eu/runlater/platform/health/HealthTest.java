package eu.runlater.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.RunlaterApplication;
import eu.runlater.support.Api;
import eu.runlater.testing.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** /health follows the database: 200 while it answers, 503 once it is gone. */
class HealthTest {

  @Test
  void health_is_200_with_the_database_and_503_without_it(@TempDir Path dataDir) throws Exception {
    EmbeddedPostgres postgres = TestPostgres.startPrivateServer();
    boolean stopped = false;
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(RunlaterApplication.class)
            .run(
                "--server.port=0",
                "--runlater.database-url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--runlater.data-dir=" + dataDir)) {
      Api api = new Api(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));

      var up = api.get("/health", null);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.json().get("database").asString()).isEqualTo("up");

      postgres.close();
      stopped = true;

      long started = System.nanoTime();
      var down = api.get("/health", null);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().get("database").asString()).isEqualTo("down");
      assertThat(down.headers().firstValue("Retry-After")).hasValue("5");
      // Answers within its own deadline instead of hanging on the pool.
      assertThat(tookMs).isLessThan(HealthApi.DEADLINE.toMillis() + 2_000);
    } finally {
      if (!stopped) {
        postgres.close();
      }
    }
  }
}
