package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import eu.runlater.organizations.Role;
import eu.runlater.organizations.Setup;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The main pages at desktop and phone widths, with data in them: each must render without the page
 * scrolling sideways on a phone. Screenshots go to {@code target/screenshots}, or to the folder
 * named by {@code -Drunlater.screenshots=…} (the README's come from {@code ../docs/screenshots}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScreenshotsTest extends ServerTest {
  private static final Path OUT =
      Path.of(System.getProperty("runlater.screenshots", "target/screenshots"));
  private Sink sink;
  private Fixtures.Tenant tenant;
  @Autowired private Setup setup;
  @Autowired private JdbcClient jdbc;
  private Fixtures.TestUser user;
  private String jobId;
  private String setupToken;
  private Fixtures.TestUser superadmin;

  @BeforeAll
  void seed() {
    sink = Sink.start();
    sink.respond(
        r -> r.path().startsWith("/flaky") ? Sink.Reply.status(503) : Sink.Reply.status(200));
    tenant = fixtures.tenant();
    user = fixtures.user(tenant.id(), Role.OWNER);
    // Before any superadmin exists: the page a fresh instance's setup link opens.
    setupToken = setup.issue().orElseThrow();
    superadmin = fixtures.user(tenant.id(), Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id")
        .param("id", superadmin.id())
        .update();
    fixtures.tenant(eu.runlater.organizations.Tier.FREE);
    api = new eu.runlater.support.Api(port);
    jobId =
        job(
            "Nightly invoice run",
            "/invoices",
            "{\"type\": \"cron\", \"expression\": \"*/2 * * * * *\", \"timezone\": \"Europe/Amsterdam\"}");
    job(
        "Sync CRM contacts",
        "/crm",
        "{\"type\": \"cron\", \"expression\": \"*/3 * * * * *\", \"timezone\": \"America/New_York\"}");
    job(
        "Flaky partner webhook",
        "/flaky",
        "{\"type\": \"cron\", \"expression\": \"*/5 * * * * *\", \"timezone\": \"UTC\"}");
    for (int i = 0; i < 3; i++) {
      api.post(
          "/api/v1/queues/emails/messages",
          tenant.key(),
          "{\"url\": \"%s\", \"body\": {\"to\": \"user%d@example.com\"}}"
              .formatted(sink.url("/mail"), i));
    }
    sink.awaitCount(12, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopSink() {
    sink.close();
  }

  private String job(String name, String path, String schedule) {
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            "{\"name\": \"%s\", \"url\": \"%s\", \"method\": \"POST\", \"retries\": 0, \"schedule\": %s}"
                .formatted(name, sink.url(path), schedule));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void shoot(String name, String path, Supplier<BrowserContext> device, String width) {
    shoot(name, path, device, width, user);
  }

  /** Signed in as {@code who}, or not signed in when null. */
  private void shoot(
      String name,
      String path,
      Supplier<BrowserContext> device,
      String width,
      Fixtures.TestUser who) {
    BrowserContext context = device.get();
    try {
      Page page = Chromium.page(context);
      if (who != null) {
        page.navigate(api.base() + "/login");
        page.locator("#email").fill(who.email());
        page.locator("#password").fill(Fixtures.PASSWORD);
        page.locator("form[action='/login'] button").click();
        page.waitForURL(api.base() + "/");
      }
      page.navigate(api.base() + path);
      assertThat(page.locator("main")).isVisible();
      page.waitForLoadState();
      Object overflow =
          page.evaluate(
              "document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assertThat(((Number) overflow).intValue())
          .as(path + " scrolls sideways at " + width)
          .isLessThanOrEqualTo(0);
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(OUT.resolve(name + "-" + width + ".png"))
              .setFullPage(true));
    } finally {
      context.close();
    }
  }

  @Test
  void home() {
    shoot("home", "/", Chromium::context, "desktop");
    shoot("home", "/", Chromium::phone, "phone");
  }

  @Test
  void job_detail_and_form() {
    shoot("job-detail", "/jobs/" + jobId, Chromium::context, "desktop");
    shoot("job-detail", "/jobs/" + jobId, Chromium::phone, "phone");
    shoot("job-form", "/jobs/" + jobId + "/edit", Chromium::context, "desktop");
    shoot("job-form", "/jobs/" + jobId + "/edit", Chromium::phone, "phone");
    shoot("jobs", "/jobs", Chromium::phone, "phone");
  }

  @Test
  void queues() {
    shoot("queues", "/queues", Chromium::context, "desktop");
    shoot("queues", "/queues", Chromium::phone, "phone");
  }

  @Test
  void settings() {
    shoot("api-keys", "/settings/api-keys", Chromium::context, "desktop");
    shoot("api-keys", "/settings/api-keys", Chromium::phone, "phone");
    shoot("team", "/settings/team", Chromium::phone, "phone");
    shoot("billing", "/settings/billing", Chromium::context, "desktop");
    shoot("billing", "/settings/billing", Chromium::phone, "phone");
  }

  @Test
  void setup_and_admin() {
    shoot("setup", "/setup?token=" + setupToken, Chromium::context, "desktop", null);
    shoot("setup", "/setup?token=" + setupToken, Chromium::phone, "phone", null);
    shoot("admin-organizations", "/admin/organizations", Chromium::context, "desktop", superadmin);
    shoot("admin-organizations", "/admin/organizations", Chromium::phone, "phone", superadmin);
  }
}
