package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import eu.runlater.support.Chromium;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard in a real browser: signing up through the mailed link, and live updates. */
class DashboardBrowserTest extends ServerTest {
  @org.springframework.beans.factory.annotation.Autowired eu.runlater.platform.mail.Mailer mailer;
  private BrowserContext context;
  private Page page;

  @BeforeEach
  void open() {
    context = Chromium.context();
    page = Chromium.page(context);
  }

  @AfterEach
  void close() {
    context.close();
  }

  @Test
  void signs_up_through_the_mailed_magic_link() {
    String email = "browser-" + System.nanoTime() + "@example.com";
    page.navigate(api.base() + "/");
    assertThat(page).hasURL(api.base() + "/login");
    page.getByText("Create an account").click();
    page.getByLabel("Email").fill(email);
    page.getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("Create account"))
        .click();
    assertThat(page.locator("h1")).hasText("Check your mail");

    // The dev mailbox page is the superadmin's; a newcomer's link is in the server's log only at
    // DEBUG. The test reads it from the mailbox in memory.
    assertThat(page.locator("body")).containsText("server's log");
    page.navigate(
        new eu.runlater.support.Mailbox((eu.runlater.platform.mail.DevMailbox) mailer)
            .latestTo(email)
            .link());
    // The link opens a confirmation page; only the button spends the token.
    assertThat(page.locator("#magic-continue")).isVisible();
    page.locator("#magic-continue").click();

    assertThat(page).hasURL(api.base() + "/");
    assertThat(page.locator(".user-menu summary")).hasText(email);
    assertThat(page.locator(".cards")).containsText("Active jobs");
    assertThat(page.locator(".notice")).hasCount(0);
  }

  @Test
  void an_execution_appears_on_the_home_page_without_reloading() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), eu.runlater.organizations.Role.MEMBER);
    try (Sink sink = Sink.start()) {
      page.navigate(api.base() + "/login");
      page.locator("#email").fill(user.email());
      page.locator("#password").fill(eu.runlater.support.Fixtures.PASSWORD);
      page.locator("form[action='/login'] button").click();
      assertThat(page.locator("#recent")).containsText("No executions yet");
      // Marks the document: a reload would lose it.
      page.evaluate("window.__stillHere = true");

      var created =
          api.post(
              "/api/v1/jobs",
              tenant.key(),
              """
              {"name": "appears-live", "url": "%s", "schedule": {"type": "once", "delay": "0s"}}
              """
                  .formatted(sink.url("/live")));
      assertThat(created.status()).isEqualTo(201);
      sink.awaitCount(1, Duration.ofSeconds(20));

      assertThat(page.locator("#recent"))
          .containsText(
              "appears-live",
              new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                  .setTimeout(15_000));
      assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    }
  }

  @Test
  void a_jobs_history_shows_a_new_execution_without_reloading() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), eu.runlater.organizations.Role.MEMBER);
    try (Sink sink = Sink.start()) {
      var created =
          api.post(
              "/api/v1/jobs",
              tenant.key(),
              """
              {"name": "watched", "url": "%s", "schedule": {"type": "once", "delay": "1h"}}
              """
                  .formatted(sink.url("/watched")));
      String id = created.json().get("id").asString();
      page.navigate(api.base() + "/login");
      page.locator("#email").fill(user.email());
      page.locator("#password").fill(eu.runlater.support.Fixtures.PASSWORD);
      page.locator("form[action='/login'] button").click();
      page.waitForURL(api.base() + "/");
      page.navigate(api.base() + "/jobs/" + id);
      assertThat(page.locator("#job-live")).containsText("No executions yet");
      page.evaluate("window.__stillHere = true");

      // Triggered through the API, as another client would: the open page learns of it live.
      assertThat(api.post("/api/v1/jobs/" + id + "/trigger", tenant.key(), "").status())
          .isIn(200, 201, 202);
      sink.awaitCount(1, Duration.ofSeconds(20));
      assertThat(page.locator("#job-live tbody tr"))
          .hasCount(
              1,
              new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                  .setTimeout(15_000));
      assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    }
  }
}
