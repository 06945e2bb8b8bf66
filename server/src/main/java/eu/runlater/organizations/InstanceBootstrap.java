package eu.runlater.organizations;

import eu.runlater.apikeys.ApiKeys;
import eu.runlater.platform.RunlaterProperties;
import eu.runlater.platform.TrainingStart;
import eu.runlater.platform.database.InstanceSettings;
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
 * key, and prints the key once, with the URLs to use it on and the one-time setup link that creates
 * the owner account ({@link Setup}). The claim is a row insert, so when several nodes start
 * together exactly one of them bootstraps and prints. A later start prints a fresh setup link
 * (replacing the earlier one) only while no superadmin exists, and no key.
 *
 * <p>Key and link go to standard output, not to the log, so they stay out of log files and
 * structured log pipelines. Their base is {@code RUNLATER_BASE_URL} or {@code
 * http://localhost:<port>}, never a request's Host header.
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
  private final Setup setup;
  private final RunlaterProperties properties;
  private final Environment environment;
  private final PrintStream out;

  InstanceBootstrap(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Organizations organizations,
      ApiKeys keys,
      Setup setup,
      RunlaterProperties properties,
      Environment environment) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.organizations = organizations;
    this.keys = keys;
    this.setup = setup;
    this.properties = properties;
    this.environment = environment;
    this.out = System.out;
  }

  @EventListener(ApplicationReadyEvent.class)
  void onReady() {
    String baseUrl = baseUrl();
    record Printed(String key, String setupToken) {}
    Printed printed =
        tx.execute(
            status -> {
              boolean claimed =
                  new InstanceSettings(jdbc).claim(SETTING, java.time.Instant.now().toString());
              if (!claimed) {
                // Another node bootstrapped (its transaction committed before this claim
                // returned, link included), or an earlier start did: a link only while no
                // superadmin exists and none was issued just now.
                return new Printed(null, setup.issue().orElse(null));
              }
              Organization org =
                  organizations
                      .findBySlug(DEFAULT_SLUG)
                      .orElseGet(() -> organizations.create("Default", DEFAULT_SLUG, Tier.PRO));
              String key = keys.create(org.id(), "Created at first start", null).token();
              // In the claim's transaction, so no other node issues a link of its own meanwhile.
              return new Printed(key, setup.issue().orElse(null));
            });
    if (printed.key() == null && printed.setupToken() == null) {
      log.info("Runlater is ready: API {}/api/v1", baseUrl);
      if (!setup.done()) {
        // No link because one was printed less than Setup.REISSUE_AFTER ago (by this node's last
        // start or by another node): say so, or the operator restarting for a link sees nothing.
        out.print(
            """

            ==========================================================================
              Runlater is ready, but nobody has set it up yet. A setup link was
              printed less than a minute ago (by the previous start or another node)
              and still works: use it. Lost it? Wait a minute, then restart Runlater
              for a new one.
            ==========================================================================

            """);
        out.flush();
      }
      return;
    }
    if (printed.key() == null) {
      log.info("No owner account yet: printed a new setup link (earlier ones no longer work)");
      out.print(
          """

          ==========================================================================
            Runlater is ready, but nobody has set it up yet. Create the owner
            account with this link. It works once; links printed before no longer do.

              Setup      %s
          ==========================================================================

          """
              .formatted(setupLink(baseUrl, printed.setupToken())));
      out.flush();
      return;
    }
    log.info("First start: created the 'default' organization and its first API key");
    String token = printed.key();
    TrainingStart.firstStartKey(token);
    out.print(
        """

        ==========================================================================
          Runlater is ready. This API key is printed once, now: store it.

            API key    %1$s
            API        %2$s/api/v1
            Dashboard  %2$s/
            API docs   %2$s/swagger-ui.html

          Create the owner account (the instance's superadmin) with this link.
          It works once:

            Setup      %3$s

          Try it:
            curl -H "Authorization: Bearer %1$s" \\
                 %2$s/api/v1/organization
        ==========================================================================

        """
            .formatted(token, baseUrl, setupLink(baseUrl, printed.setupToken())));
    out.flush();
  }

  private static String setupLink(String baseUrl, String token) {
    return token == null ? "(already set up)" : baseUrl + "/setup?token=" + token;
  }

  private String baseUrl() {
    if (properties.baseUrl() != null && !properties.baseUrl().isBlank()) {
      return properties.baseUrl();
    }
    return "http://localhost:" + environment.getProperty("local.server.port", "8080");
  }
}
