package eu.runlater.inbound;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
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
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A connection managed from its pages in the system Chromium, each step through the page's own
 * buttons and checked both in the page and through the API: edited (a filter that does not compile
 * refused beside its field, then the new filter deciding the next requests), paused from the
 * connections list (requests keep arriving and wait as held forwards), resumed (the waiting ones
 * are forwarded, live on an open request page), and deleted from its source's page (the next
 * request is forwarded nowhere). The list and the edit form pass axe and fit a desktop and a phone.
 */
class ConnectionPagesBrowserTest extends ServerTest {
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

  /** Posts {@code body} to the source's hosted URL; returns the stored request's id. */
  private String send(JsonNode source, String body) {
    var answer =
        api.send(
            HttpRequest.newBuilder(URI.create(source.get("url").asString()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    return answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
  }

  private JsonNode connection(Fixtures.Tenant t, String id) {
    return api.get("/api/v1/connections/" + id, t.key()).json();
  }

  private JsonNode forwards(Fixtures.Tenant t, String requestId) {
    return api.get("/api/v1/inbound-events/" + requestId, t.key()).json().get("forwards");
  }

  private static Locator row(Page page, String connectionId) {
    return page.locator("tr[data-connection-id='" + connectionId + "']");
  }

  /** Opens the row's ⋯ menu and presses {@code action} in it. */
  private static void act(Page page, String connectionId, AriaRole role, String action) {
    Locator row = row(page, connectionId);
    row.locator("summary").click();
    row.getByRole(role, name(action)).click();
  }

  @Test
  void a_connection_is_edited_paused_resumed_and_deleted_from_its_pages() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    try (Sink destination = Sink.start()) {
      JsonNode source = api.post("/api/v1/sources", tenant.key(), "{\"name\": \"Orders\"}").json();
      String sourceId = source.get("id").asString();
      var made =
          api.post(
              "/api/v1/connections",
              tenant.key(),
              """
              {"source_id": "%s", "name": "Orders service", "destination_url": "%s",
               "filter": "body.type == 'order.paid'"}
              """
                  .formatted(sourceId, destination.url("/orders")));
      assertThat(made.status()).as(made.body()).isEqualTo(201);
      String id = made.json().get("id").asString();
      String sourceUrl = api.base() + "/inbound/sources/" + sourceId;

      // Edit, from the source's page: the form holds the stored settings.
      Page page = signedIn(user, Chromium::context);
      page.navigate(sourceUrl);
      act(page, id, AriaRole.LINK, "Edit");
      assertThat(page.locator("main h1")).hasText("Edit Orders service");
      assertThat(page.locator("#sourceId")).hasValue(sourceId);
      assertThat(page.locator("#name")).hasValue("Orders service");
      assertThat(page.locator("#destinationUrl")).hasValue(destination.url("/orders"));
      assertThat(page.locator("#filter")).hasValue("body.type == 'order.paid'");
      checked(page, "inbound-connection-edit", "desktop");
      String editUrl = page.url();

      // A filter that does not compile is refused beside its field; nothing changes.
      page.locator("#filter").fill("body.type == ");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
      assertThat(page.locator("#filter")).hasAttribute("aria-invalid", "true");
      assertThat(page.locator("#filter-error")).isVisible();
      assertThat(page.locator("#filter")).hasValue("body.type == ");
      assertThat(connection(tenant, id).get("filter").asString())
          .isEqualTo("body.type == 'order.paid'");

      page.locator("#filter").fill("body.type == 'order.void'");
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
      assertThat(page.locator(".flash")).hasText("Saved “Orders service”.");
      assertThat(page).hasURL(sourceUrl);
      assertThat(row(page, id)).containsText("body.type == 'order.void'");
      assertThat(connection(tenant, id).get("filter").asString())
          .isEqualTo("body.type == 'order.void'");

      // The new filter decides the next requests: the paid one stays, the void one goes.
      String paid = send(source, "{\"type\": \"order.paid\"}");
      send(source, "{\"type\": \"order.void\", \"n\": 0}");
      destination.awaitCount(1, WITHIN);
      assertThat(forwards(tenant, paid).get(0).get("state").asString()).isEqualTo("filtered");
      assertThat(body(destination.received().getFirst()))
          .isEqualTo("{\"type\": \"order.void\", \"n\": 0}");
      page.navigate(api.base() + "/inbound/events/" + paid);
      assertThat(page.locator(".forward h3 .badge")).hasText("filtered");
      assertThat(page.locator(".forward"))
          .containsText("filter is false: body.type == 'order.void'");

      // Paused from the connections list, which it returns to.
      page.navigate(api.base() + "/inbound/connections");
      checked(page, "inbound-connections", "desktop");
      act(page, id, AriaRole.BUTTON, "Pause");
      assertThat(page.locator(".flash")).containsText("Paused “Orders service”");
      assertThat(page).hasURL(api.base() + "/inbound/connections");
      assertThat(row(page, id).locator(".badge.paused")).hasText("paused");
      assertThat(connection(tenant, id).get("paused").asBoolean()).isTrue();

      // Requests keep arriving and wait as held forwards; one of them is open in a second tab.
      String first = send(source, "{\"type\": \"order.void\", \"n\": 1}");
      String second = send(source, "{\"type\": \"order.void\", \"n\": 2}");
      assertThat(forwards(tenant, first).get(0).get("state").asString()).isEqualTo("held");
      assertThat(forwards(tenant, second).get(0).get("state").asString()).isEqualTo("held");
      Page waiting = page.context().newPage();
      waiting.navigate(api.base() + "/inbound/events/" + first);
      assertThat(waiting.locator(".forward h3 .badge")).hasText("held");
      assertThat(waiting.locator(".forward")).containsText("connection paused");
      page.navigate(api.base() + "/inbound/sources");
      assertThat(page.locator(".inbound-table .badge.paused")).hasText("1 paused");

      // Resumed: the held ones are forwarded, and the open request page shows it by itself.
      page.navigate(api.base() + "/inbound/connections");
      act(page, id, AriaRole.BUTTON, "Resume");
      assertThat(page.locator(".flash")).containsText("Resumed “Orders service”");
      assertThat(row(page, id).locator(".badge.paused")).hasCount(0);
      assertThat(connection(tenant, id).get("paused").asBoolean()).isFalse();
      destination.awaitCount(3, WITHIN);
      assertThat(destination.received().subList(1, 3))
          .extracting(ConnectionPagesBrowserTest::body)
          .containsExactlyInAnyOrder(
              "{\"type\": \"order.void\", \"n\": 1}", "{\"type\": \"order.void\", \"n\": 2}");
      assertThat(waiting.locator(".forward h3 .badge")).hasText("delivered");
      assertThat(waiting.locator(".forward .attempts-table")).containsText("HTTP 200");

      // The list and the edit form fit a phone, the row's actions within reach.
      Page phone = signedIn(user, Chromium::phone);
      phone.navigate(api.base() + "/inbound/connections");
      checked(phone, "inbound-connections", "phone");
      row(phone, id).locator("summary").click();
      assertThat(row(phone, id).getByRole(AriaRole.BUTTON, name("Pause"))).isVisible();
      assertThat(row(phone, id).getByRole(AriaRole.BUTTON, name("Delete"))).isVisible();
      phone.navigate(editUrl);
      assertThat(phone.locator("main h1")).hasText("Edit Orders service");
      checked(phone, "inbound-connection-edit", "phone");

      // Deleted from its source's page, which it returns to: the next request goes nowhere.
      page.navigate(sourceUrl);
      act(page, id, AriaRole.BUTTON, "Delete");
      assertThat(page.locator(".flash")).hasText("Deleted “Orders service”.");
      assertThat(page).hasURL(sourceUrl);
      assertThat(page.locator("#connections")).containsText("No connection yet");
      assertThat(api.get("/api/v1/connections/" + id, tenant.key()).status()).isEqualTo(404);
      String after = send(source, "{\"type\": \"order.void\", \"n\": 3}");
      assertThat(forwards(tenant, after)).isEmpty();
      page.navigate(api.base() + "/inbound/events/" + after);
      assertThat(page.locator("#forwards")).containsText("Not forwarded");
      assertThat(destination.count()).isEqualTo(3);
    }
  }

  private static Locator.GetByRoleOptions name(String name) {
    return new Locator.GetByRoleOptions().setName(name).setExact(true);
  }

  private static String body(Sink.Received r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }
}
