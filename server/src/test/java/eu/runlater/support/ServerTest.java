package eu.runlater.support;

import eu.runlater.testing.TestPostgres;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests that drive the whole server over real HTTP, on one migrated database of the shared
 * embedded PostgreSQL. The Spring context is cached across test classes; each class starts from
 * empty tables.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({
  TestOnlyEndpoints.Failing.class,
  TestOnlyEndpoints.FailingPage.class,
  TestOnlyEndpoints.FailingStream.class
})
public abstract class ServerTest {
  /**
   * The tag of test classes whose assertions are about time (a rate kept within 10 % per second,
   * cron rounds on two engines five seconds apart, an alert within five seconds): surefire runs
   * them after the others, in one JVM with nothing beside it, so the second test JVM's load cannot
   * make them late (see server/pom.xml).
   */
  public static final String ALONE = "alone";

  /** What the server's RUNLATER_METRICS_TOKEN is in tests: send it to read /actuator/**. */
  protected static final String METRICS_TOKEN = "metrics-token-for-tests-0123456789abcdef";

  private static String database;

  @LocalServerPort protected int port;
  @Autowired protected Fixtures fixtures;
  protected Api api;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("runlater.database-url", () -> TestPostgres.jdbcUrl(sharedDatabase()));
    // Test targets listen on loopback; retries come fast.
    registry.add("runlater.engine.allow-private-targets", () -> "127.0.0.0/8");
    // Tests play remote clients through X-Forwarded-For from 127.0.0.1 (Browser.from); other
    // loopback peers (127.0.0.2, …) are not trusted.
    registry.add("runlater.trusted-proxies", () -> "127.0.0.1,::1");
    registry.add("runlater.engine.backoff-base", () -> "100ms");
    registry.add("runlater.engine.backoff-max", () -> "200ms");
    registry.add("runlater.engine.poll-interval", () -> "200ms");
    // Tests sign up freely; SignupModesTest switches SignupPolicy's mode at run time.
    registry.add("runlater.signup.mode", () -> "open");
    // Tests push thousands of messages in bursts; RateLimitTest turns the limiter on at runtime.
    registry.add("runlater.rate-limits.enabled", () -> "false");
    registry.add("runlater.metrics-token", () -> METRICS_TOKEN);
    // Uptime checks trust the test CA too (HTTPS test targets, certificate expiry).
    registry.add("runlater.monitors.checks.extra-ca", CheckCa::pemFile);
    registry.add(
        "runlater.data-dir",
        () ->
            Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "server-test-data" + eu.runlater.testing.TestPostgres.forkSuffix())
                .toString());
  }

  protected static synchronized String sharedDatabase() {
    if (database == null) {
      database = TestPostgres.freshDatabase();
    }
    return database;
  }

  @BeforeAll
  static void cleanDatabase(@Autowired DataSource dataSource) {
    TestPostgres.truncateAll(dataSource);
  }

  @BeforeEach
  void api() {
    api = new Api(port);
  }

  /** Creates, through the API, a one-time job of {@code t}'s due in an hour; returns its id. */
  protected String jobAnHourAhead(Fixtures.Tenant t, String name, String url) {
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "%s", "url": "%s", "schedule": {"type": "once", "delay": "1h"}}
            """
                .formatted(name, url));
    if (created.status() != 201) {
      throw new AssertionError("creating job " + name + " failed: " + created.body());
    }
    return created.json().get("id").asString();
  }

  /** A browser signed in as {@code user} with the fixtures' password. */
  protected Browser signIn(Fixtures.TestUser user) {
    Browser browser = new Browser(port);
    browser.get("/login");
    Browser.Page page =
        browser.post(
            "/login", java.util.Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    if (page.status() != 302 || !"/".equals(page.redirectPath())) {
      throw new AssertionError("sign-in as " + user.email() + " failed: " + page);
    }
    return browser;
  }
}
