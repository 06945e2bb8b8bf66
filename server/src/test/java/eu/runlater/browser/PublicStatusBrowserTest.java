package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import eu.runlater.status.PublicStatusData;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Layout;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The public status page in a real browser: at desktop and phone sizes, and with JavaScript off
 * (the page has none, and its subscription form posts as a plain form), axe-clean and fitting.
 */
class PublicStatusBrowserTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private String page() {
    String slug = "acme-" + UUID.randomUUID().toString().substring(0, 8);
    new PublicStatusData(jdbc).example(fixtures.tenant().id(), slug);
    return "/status/" + slug;
  }

  private void reads(Supplier<BrowserContext> device, String path, boolean scan) {
    try (BrowserContext context = device.get()) {
      Page page = Chromium.page(context);
      page.navigate(api.base() + path);
      assertThat(page.locator("h1")).hasText("Acme Cloud");
      assertThat(page.locator("#overall-heading")).hasText("Major outage");
      assertThat(page.locator(".incidents.active")).containsText("A full disk on the export host");
      assertThat(page.locator(".incidents.maintenance")).containsText("Database upgrade");
      assertThat(page.locator(".incidents.past")).containsText("Slow API answers");
      assertThat(page.locator(".component")).hasCount(4);
      if (scan) { // axe and the layout check run scripts in the page: not with JavaScript off
        Axe.assertClean(page);
        Layout.assertFits(page);
      }
    }
  }

  @Test
  void the_page_reads_on_a_desktop_and_a_phone() {
    String path = page();
    reads(Chromium::context, path, true);
    reads(Chromium::phone, path, true);
  }

  @Test
  void without_javascript_the_page_reads_and_its_form_subscribes() {
    String path = page();
    Supplier<BrowserContext> noScript =
        () ->
            Chromium.browser()
                .newContext(
                    new Browser.NewContextOptions()
                        .setJavaScriptEnabled(false)
                        .setViewportSize(390, 844)
                        .setIsMobile(true)
                        .setLocale("en-GB"));
    reads(noScript, path, false);
    String email = "reader-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    try (BrowserContext context = noScript.get()) {
      Page page = Chromium.page(context);
      page.navigate(api.base() + path);
      page.locator("#subscribe-email").fill(email);
      page.locator(".subscribe button").click();
      assertThat(page.locator("h1")).hasText("Check your mail");
      String link = new Mailbox(jdbc).latestTo(email).link();
      page.navigate(link);
      page.locator("form button").click();
      assertThat(page.locator("h1")).hasText("Subscribed");
    }
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM status_subscribers WHERE email = :e AND confirmed_at IS NOT NULL")
                .param("e", email)
                .query(Integer.class)
                .single())
        .isEqualTo(1);
  }
}
