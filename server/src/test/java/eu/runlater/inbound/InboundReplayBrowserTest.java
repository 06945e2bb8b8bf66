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
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * In the system Chromium: requests that make no forward (no connection yet, or rejected) appear
 * live in an open requests list; a connection with its own rate and parallelism is made from the
 * form; and the list's filter is replayed from the page, counted first (a dry run) and then sent at
 * the chosen rate. Each page passes axe and fits a desktop and a phone.
 */
class InboundReplayBrowserTest extends ServerTest {
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

  private int send(JsonNode source, String body, String... headers) {
    HttpRequest.Builder b =
        api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return api.send(b).status();
  }

  @Test
  void unforwarded_requests_show_live_and_a_filter_is_replayed_after_its_count() throws Exception {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    JsonNode orders = api.post("/api/v1/sources", tenant.key(), "{\"name\": \"Orders\"}").json();
    JsonNode strict =
        api.post(
                "/api/v1/sources",
                tenant.key(),
                "{\"name\": \"Strict\", \"verification\": {\"type\": \"api_key\", \"secret\": \"k\"}}")
            .json();
    Page list = signedIn(user, Chromium::context);
    list.navigate(api.base() + "/inbound/events");
    assertThat(list.locator(".empty")).containsText("No request yet");

    // Forwarded nowhere (no connection yet) and rejected: no execution, and still live.
    assertThat(send(orders, "{\"type\": \"order.paid\", \"n\": 1}")).isEqualTo(202);
    assertThat(list.locator(".events-table tbody tr")).hasCount(1);
    assertThat(send(strict, "{}")).isEqualTo(401);
    assertThat(list.locator(".events-table tbody tr")).hasCount(2);
    assertThat(list.locator(".events-table")).containsText("rejected");
    assertThat(send(orders, "{\"type\": \"order.void\", \"n\": 2}")).isEqualTo(202);
    assertThat(send(orders, "{\"type\": \"order.paid\", \"n\": 3}")).isEqualTo(202);
    assertThat(list.locator(".events-table tbody tr")).hasCount(4);
    assertThat(list.locator("#replay-matching")).hasText("Replay all…");

    try (Sink destination = Sink.start()) {
      // A connection with its own rate and parallelism, from the form.
      Page page = list;
      page.navigate(api.base() + "/inbound/connections/new?source=" + orders.get("id").asString());
      page.locator("#name").fill("Orders service");
      page.locator("#destinationUrl").fill(destination.url("/orders"));
      // The field's own min stops 0 in the browser; without it, the server says it beside it.
      page.locator("#parallelism").evaluate("e => e.removeAttribute('min')");
      page.locator("#parallelism").fill("0");
      page.locator("#rateLimit").fill("5");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create connection"))
          .click();
      assertThat(page.locator("#parallelism-error")).containsText("1 to 1000");
      assertThat(page.locator("#parallelism")).hasAttribute("aria-invalid", "true");
      assertThat(page.locator("#rateLimit")).hasValue("5");
      assertThat(api.get("/api/v1/connections", tenant.key()).json().get("data")).isEmpty();
      page.locator("#parallelism").fill("1");
      page.locator("#ratePer").selectOption("second");
      checked(page, "inbound-connection-form", "desktop");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create connection"))
          .click();
      assertThat(page.locator(".flash")).containsText("Created “Orders service”");
      assertThat(page.locator(".connections-table"))
          .containsText("5 per second · 1 in flight at most");
      JsonNode made = api.get("/api/v1/connections", tenant.key()).json().get("data").get(0);
      assertThat(made.get("parallelism").asInt()).isEqualTo(1);
      assertThat(made.get("rate").get("limit").asInt()).isEqualTo(5);
      // Its queue is listed as the connection's, and is changed only there.
      page.navigate(api.base() + "/queues");
      assertThat(page.locator(".queues-table .badge.owner")).hasText("inbound connection");
      page.navigate(api.base() + "/queues/inbound-" + made.get("id").asString());
      assertThat(page.locator("#owner"))
          .containsText("Change, pause or delete it on the connection");
      assertThat(page.locator("#settings")).hasCount(0);
      assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pause")))
          .hasCount(0);

      // The list filtered to the paid orders; replay them: the count first, then the replay.
      page.navigate(api.base() + "/inbound/events");
      page.locator("#ev-source").selectOption(orders.get("id").asString());
      page.locator("#ev-q").fill("order.paid");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
      assertThat(page.locator(".events-table tbody tr")).hasCount(2);
      page.locator("#replay-matching").click();
      assertThat(page.locator("main h1")).hasText("Replay requests");
      assertThat(page.locator("#replay-matched")).hasText("2");
      assertThat(page.locator("#replay-count")).containsText("holding “order.paid”");
      assertThat(destination.count()).as("a dry run sends nothing").isZero();
      page.locator("#rate").fill("20");
      checked(page, "inbound-replay", "desktop");
      String confirmUrl = page.url();
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Replay 2 matching"))
          .click();
      assertThat(page.locator(".flash")).containsText("Replayed 2 of 2 matching requests");
      assertThat(page.locator("#ev-q")).hasValue("order.paid");
      destination.awaitCount(2, WITHIN);
      assertThat(destination.received())
          .extracting(r -> new String(r.body(), StandardCharsets.UTF_8))
          .containsExactly(
              "{\"type\": \"order.paid\", \"n\": 1}", "{\"type\": \"order.paid\", \"n\": 3}");

      // A filter matching only rejected requests has nothing to replay.
      page.navigate(api.base() + "/inbound/events/replay?status=rejected");
      assertThat(page.locator("#replay-count")).containsText("Nothing to replay");
      assertThat(page.locator("#replay-confirm")).hasCount(0);

      Page phone = signedIn(user, Chromium::phone);
      for (String[] p :
          new String[][] {
            {confirmUrl.substring(api.base().length()), "inbound-replay"},
            {"/inbound/connections/new", "inbound-connection-form"}
          }) {
        phone.navigate(api.base() + p[0]);
        assertThat(phone.locator("main h1")).isVisible();
        checked(phone, p[1], "phone");
      }
    }
  }
}
