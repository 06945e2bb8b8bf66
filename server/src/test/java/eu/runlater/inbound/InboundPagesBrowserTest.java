package eu.runlater.inbound;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inbound pages in the system Chromium, end to end: a Stripe source created from the form (a
 * missing secret refused beside its field), a connection to a real HTTP server, "send test request"
 * signing a sample with the source's secret so it is verified and forwarded like a provider's, the
 * request appearing live in an open list, its detail showing the verification and the forward's
 * attempts as they land, and a replay adding a second forward. Each page passes axe and fits a
 * desktop and a phone.
 */
class InboundPagesBrowserTest extends ServerTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Page signedIn(Fixtures.TestUser who, Supplier<BrowserContext> device) {
    Page page = profiles.page(device, api.base(), who);
    page.setDefaultNavigationTimeout(60_000);
    page.setDefaultTimeout(WITHIN.toMillis());
    return page;
  }

  private static void checked(Page page, String name, String width) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(name + " " + width + " axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(name + " " + width + " layout").isEmpty();
    Screenshots.take(page, name + "-" + width);
  }

  @Test
  void a_test_request_is_verified_shows_live_is_forwarded_with_its_attempts_and_replays()
      throws Exception {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    try (Sink destination = Sink.start()) {
      Page page = signedIn(user, Chromium::context);
      page.navigate(api.base() + "/inbound");
      assertThat(page.locator("nav.main-nav a[aria-current=page]")).hasText("Inbound");
      page.getByRole(
              AriaRole.LINK, new Page.GetByRoleOptions().setName("New source").setExact(true))
          .first()
          .click();

      // Stripe without its secret: refused beside the field, nothing saved.
      page.locator("#name").fill("Stripe payments");
      page.locator("#type").selectOption("stripe");
      assertThat(page.locator("#username")).isHidden();
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create source")).click();
      assertThat(page.locator("#secret-error")).containsText("signing secret");
      assertThat(page.locator("#secret")).hasAttribute("aria-invalid", "true");
      assertThat(page.locator("#name")).hasValue("Stripe payments");
      checked(page, "inbound-source-form", "desktop");
      assertThat(api.get("/api/v1/sources", tenant.key()).json().get("data").size()).isZero();

      page.locator("#secret").fill("whsec_test_secret");
      page.locator("#dedupJsonPath").fill("id");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create source")).click();
      assertThat(page.locator(".flash")).containsText("Created “Stripe payments”");
      assertThat(page.locator("#hosted-url")).containsText("/in/");
      assertThat(page.locator("main")).containsText("secret stored (never shown)");
      assertThat(page.locator("main")).not().containsText("whsec_test_secret");
      String sourceUrl = page.url();

      // A connection to a real server.
      page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New connection")).click();
      page.locator("#name").fill("Orders service");
      page.locator("#destinationUrl").fill(destination.url("/stripe"));
      page.locator("#filter").fill("body.type == 'runlater.test'");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create connection"))
          .click();
      assertThat(page.locator(".flash")).containsText("Created “Orders service”");
      assertThat(page.locator(".connections-table")).containsText("Orders service");

      // The requests list, open in a second tab: the test request appears there by itself.
      Page list = page.context().newPage();
      list.navigate(api.base() + "/inbound/events");
      assertThat(list.locator(".empty")).containsText("No request yet");

      page.navigate(sourceUrl);
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send test request"))
          .click();
      assertThat(page.locator(".flash")).containsText("answered 202");
      assertThat(page.locator("h1 .badge")).hasText("accepted");
      assertThat(page.locator("#verification")).containsText("stripe");
      assertThat(page.locator("#verification .badge")).hasText("success");

      // Forwarded, signed, with the sample body; the attempt shows on the open detail page.
      destination.awaitCount(1, WITHIN);
      assertThat(destination.received().getFirst().header("webhook-signature")).startsWith("v1,");
      assertThat(
              new String(
                  destination.received().getFirst().body(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("runlater.test");
      assertThat(page.locator(".forward .attempts-table")).containsText("HTTP 200");
      assertThat(list.locator(".events-table tbody tr")).hasCount(1);
      assertThat(list.locator(".events-table")).containsText("Stripe payments");
      checked(page, "inbound-event", "desktop");
      checked(list, "inbound-events", "desktop");

      // The attempt's page in the history names the forward and links back to the request.
      String eventUrl = page.url();
      page.locator(".attempts-table a").first().click();
      assertThat(page.locator("main")).containsText("Inbound: Stripe payments → Orders service");
      assertThat(page.locator(".crumbs"))
          .hasText("Inbound / Stripe payments / event → Orders service");
      assertThat(page.locator(".crumbs a").first()).hasAttribute("href", "/inbound");
      page.getByRole(
              AriaRole.LINK,
              new Page.GetByRoleOptions().setName("Inbound: Stripe payments → Orders service"))
          .first()
          .click();
      assertThat(page).hasURL(eventUrl);

      // Replayed: a second forward beside the first, delivered again.
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Replay")).click();
      assertThat(page.locator(".flash")).containsText("Replayed");
      destination.awaitCount(2, WITHIN);
      assertThat(page.locator(".forward")).hasCount(2);
      assertThat(page.locator(".forward .attempts-table")).hasCount(2);

      page.navigate(sourceUrl);
      assertThat(page.locator(".events-table tbody tr")).hasCount(1);
      checked(page, "inbound-source", "desktop");
      page.navigate(api.base() + "/inbound/sources");
      checked(page, "inbound-sources", "desktop");

      // The same pages fit a phone.
      Page phone = signedIn(user, Chromium::phone);
      for (String[] p :
          new String[][] {
            {"/inbound/sources", "inbound-sources"},
            {sourceUrl.substring(api.base().length()), "inbound-source"},
            {"/inbound/events", "inbound-events"},
            {list.locator(".events-table a").first().getAttribute("href"), "inbound-event"},
            {"/inbound/sources/new", "inbound-source-form"}
          }) {
        phone.navigate(api.base() + p[0]);
        assertThat(phone.locator("main h1")).isVisible();
        checked(phone, p[1], "phone");
      }
    }
  }
}
