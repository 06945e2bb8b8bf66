package eu.runlater.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Layout;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The runs log in a real browser, at a desktop and a phone size. */
class RunsBrowserTest extends ServerTest {
  private static final int RUNS = Runs.PAGE + 10;

  @Autowired JdbcClient jdbc;
  final Sink sink = Sink.start();
  private BrowserContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
    sink.close();
  }

  @Test
  void filters_pages_and_shows_a_new_run_live_on_a_desktop() {
    walkThrough(Chromium.context());
  }

  @Test
  void filters_pages_and_shows_a_new_run_live_on_a_phone() {
    walkThrough(Chromium.phone());
  }

  private String job(eu.runlater.support.Fixtures.Tenant t, String name, String delay) {
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "%s", "url": "%s", "retries": 0, "schedule": {"type": "once", "delay": "%s"}}
            """
                .formatted(name, sink.url("/" + name), delay));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void walkThrough(BrowserContext ctx) {
    context = ctx;
    var t = fixtures.tenant();
    UUID job = UUID.fromString(job(t, "hourly-sync", "1h"));
    // A page and a bit of history, a third of it failed, a minute apart up to an hour ago.
    Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    int failed = 0;
    for (int i = 0; i < RUNS; i++) {
      boolean fail = i % 3 == 0;
      failed += fail ? 1 : 0;
      Rows.execution(jdbc, t.id(), job, base.plusSeconds(60L * i), 1, fail ? "failed" : "success");
    }
    var user = fixtures.user(t.id(), Role.MEMBER);
    Page page = Chromium.page(context);
    Chromium.signIn(context, api.base(), user.email());
    page.navigate(api.base() + "/runs");
    var rows = page.locator("#runs tbody tr");
    assertThat(rows).hasCount(Runs.PAGE);
    assertThat(page.locator("#runs")).containsText("hourly-sync");
    Axe.assertClean(page);
    Layout.assertFits(page);

    // A filter from the form narrows the rows in place and moves the address bar.
    page.evaluate("window.__stillHere = true");
    page.getByLabel("Status").selectOption("failed");
    assertThat(page).hasURL(Pattern.compile(".*/runs\\?status=failed$"));
    assertThat(rows).hasCount(failed);
    assertThat(page.locator("#runs .badge.success")).hasCount(0);
    assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    Axe.assertClean(page);
    Layout.assertFits(page);

    // Older pages, and back to the newest.
    page.navigate(api.base() + "/runs");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older →")).click();
    assertThat(page).hasURL(Pattern.compile(".*cursor=.*"));
    assertThat(rows).hasCount(RUNS - Runs.PAGE);
    Axe.assertClean(page);
    Layout.assertFits(page);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Newest")).click();
    assertThat(rows).hasCount(Runs.PAGE);

    // A run that happens while the newest page is open appears without a reload.
    page.evaluate("window.__stillHere = true");
    job(t, "appears-live", "0s");
    sink.awaitCount(1, Duration.ofSeconds(20));
    assertThat(page.locator("#runs tbody tr").first())
        .containsText(
            "appears-live",
            new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                .setTimeout(15_000));
    assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    Layout.assertFits(page);
  }
}
