package eu.runlater.accounts;

import static eu.runlater.accounts.AccountsQueries.INSTANCE_SETTING_CLAIM;

import eu.runlater.platform.RunlaterProperties;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On the first start against an empty database, creates the {@code default} organization and an API
 * key, and prints the key once, with the URLs to use it on. The claim is a row insert, so when
 * several nodes start together exactly one of them bootstraps and prints; later starts print
 * nothing.
 *
 * <p>The key goes to standard output, not to the log, so it stays out of log files and structured
 * log pipelines.
 */
@Component
class InstanceBootstrap {
  static final String SETTING = "bootstrapped_at";
  static final String DEFAULT_SLUG = "default";
  private static final Logger log = LoggerFactory.getLogger(InstanceBootstrap.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Organizations organizations;
  private final ApiKeys keys;
  private final RunlaterProperties properties;
  private final Environment environment;
  private final PrintStream out;

  InstanceBootstrap(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Organizations organizations,
      ApiKeys keys,
      RunlaterProperties properties,
      Environment environment) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.organizations = organizations;
    this.keys = keys;
    this.properties = properties;
    this.environment = environment;
    this.out = System.out;
  }

  @EventListener(ApplicationReadyEvent.class)
  void onReady() {
    String baseUrl = baseUrl();
    String token =
        tx.execute(
            status -> {
              int claimed =
                  jdbc.sql(INSTANCE_SETTING_CLAIM)
                      .param("key", SETTING)
                      .param("value", java.time.Instant.now().toString())
                      .update();
              if (claimed == 0) {
                return null;
              }
              // The first sign-up may have made it already (see Users.signUp).
              Organization org =
                  organizations
                      .findBySlug(DEFAULT_SLUG)
                      .orElseGet(() -> organizations.create("Default", DEFAULT_SLUG, Tier.PRO));
              return keys.create(org.id(), "Created at first start", null).token();
            });
    if (token == null) {
      log.info("Runlater is ready: API {}/api/v1", baseUrl);
      return;
    }
    log.info("First start: created the 'default' organization and its first API key");
    out.print(
        """

        ==========================================================================
          Runlater is ready. This API key is printed once, now: store it.

            API key    %1$s
            API        %2$s/api/v1
            Dashboard  %2$s/
            API docs   %2$s/swagger-ui.html

          Try it:
            curl -H "Authorization: Bearer %1$s" \\
                 %2$s/api/v1/organization
        ==========================================================================

        """
            .formatted(token, baseUrl));
    out.flush();
  }

  private String baseUrl() {
    if (properties.baseUrl() != null && !properties.baseUrl().isBlank()) {
      return properties.baseUrl();
    }
    return "http://localhost:" + environment.getProperty("local.server.port", "8080");
  }
}
