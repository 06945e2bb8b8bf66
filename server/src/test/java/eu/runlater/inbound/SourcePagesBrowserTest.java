package eu.runlater.inbound;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
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
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A source managed from its pages in the system Chromium, on a phone (so every button must be
 * within reach there), each step checked in the page and through the hosted URL and the API: its
 * hosted URL copied, its verification changed (and a second edit that leaves the secret empty
 * keeping it), the URL rotated (the old one answers 404, the new one stores, and Copy copies the
 * new one), and the source deleted with its connections and requests. Where the browser withholds
 * the Clipboard API (plain HTTP at a name other than localhost), Copy still copies, or leaves the
 * URL selected to copy by hand.
 */
class SourcePagesBrowserTest extends ServerTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final List<String> CLIPBOARD = List.of("clipboard-read", "clipboard-write");

  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Page signedIn(Fixtures.TestUser who, Supplier<BrowserContext> device) {
    BrowserContext context = profiles.signedIn(device, api.base(), who);
    context.grantPermissions(CLIPBOARD);
    Page page = Chromium.page(context);
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

  /** Posts a small JSON body to {@code url} with the given header pairs; returns the answer. */
  private Api.Response send(String url, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"invoice.paid\"}"));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return api.send(b);
  }

  private static Page.GetByRoleOptions name(String name) {
    return new Page.GetByRoleOptions().setName(name).setExact(true);
  }

  private static String clipboard(Page page) {
    page.bringToFront();
    return (String) page.evaluate("() => navigator.clipboard.readText()");
  }

  @Test
  void a_source_is_copied_edited_rotated_and_deleted_from_its_page_on_a_phone() {
    try (Sink ledger = Sink.start()) {
      var tenant = fixtures.tenant();
      var user = fixtures.user(tenant.id(), Role.MEMBER);
      JsonNode created =
          api.post("/api/v1/sources", tenant.key(), "{\"name\": \"Billing\"}").json();
      String id = created.get("id").asString();
      String firstUrl = created.get("url").asString();
      String connection =
          api.post(
                  "/api/v1/connections",
                  tenant.key(),
                  "{\"source_id\": \"%s\", \"name\": \"Ledger\", \"destination_url\": \"%s\"}"
                      .formatted(id, ledger.url("/hooks")))
              .json()
              .get("id")
              .asString();
      String sourceUrl = api.base() + "/inbound/sources/" + id;

      // The hosted URL, copied with the button beside it.
      Page page = signedIn(user, Chromium::phone);
      page.navigate(sourceUrl);
      assertThat(page.locator("#hosted-url")).hasText(firstUrl);
      Locator copy = page.locator("button[data-copy=hosted-url]");
      assertThat(copy).hasText("Copy");
      copy.click();
      assertThat(copy).hasText("Copied");
      assertThat(clipboard(page)).isEqualTo(firstUrl);

      // Verification by API key, from the edit form: the fields show as the type asks for them (a
      // timestamp tolerance only for the providers that sign one).
      page.getByRole(AriaRole.LINK, name("Edit")).click();
      assertThat(page.locator("main h1")).hasText("Edit Billing");
      assertThat(page.locator("#type")).hasValue("none");
      assertThat(page.locator("#secret")).isHidden();
      page.locator("#type").selectOption("stripe");
      assertThat(page.locator("#tolerance")).isVisible();
      assertThat(page.locator("#header")).isHidden();
      page.locator("#type").selectOption("api_key");
      assertThat(page.locator("#header")).isVisible();
      assertThat(page.locator("#tolerance")).isHidden();
      page.locator("#secret").fill("key-1");
      page.getByRole(AriaRole.BUTTON, name("Save")).click();
      assertThat(page.locator(".flash")).hasText("Saved “Billing”.");
      assertThat(page).hasURL(sourceUrl);
      assertThat(page.locator("main")).containsText("api_key");
      assertThat(page.locator("main")).containsText("secret stored (never shown)");
      assertThat(page.locator("main")).not().containsText("key-1");
      assertThat(page.locator("main")).not().containsText("timestamps within");
      JsonNode verification =
          api.get("/api/v1/sources/" + id, tenant.key()).json().get("verification");
      assertThat(verification.get("type").asString()).isEqualTo("api_key");
      assertThat(verification.get("secret_set").asBoolean()).isTrue();
      assertThat(send(firstUrl).status()).isEqualTo(401);
      assertThat(send(firstUrl, "X-Api-Key", "key-1").status()).isEqualTo(202);

      // A second edit that leaves the secret empty keeps it: only the header moves.
      page.getByRole(AriaRole.LINK, name("Edit")).click();
      assertThat(page.locator("#secret")).hasValue("");
      assertThat(page.locator("#secret-hint")).containsText("leave empty to keep the stored one");
      assertThat(page.locator("#header")).hasValue(verification.get("header").asString());
      checked(page, "inbound-source-edit", "phone");
      String editUrl = page.url();
      page.locator("#header").fill("X-Token");
      page.getByRole(AriaRole.BUTTON, name("Save")).click();
      assertThat(page.locator(".flash")).hasText("Saved “Billing”.");
      assertThat(page.locator("main")).containsText("header X-Token");
      assertThat(send(firstUrl, "X-Token", "key-1").status()).isEqualTo(202);
      assertThat(send(firstUrl, "X-Api-Key", "key-1").status()).isEqualTo(401);

      // The same form fits a desktop.
      Page desktop = signedIn(user, Chromium::context);
      desktop.navigate(editUrl);
      assertThat(desktop.locator("#header")).hasValue("X-Token");
      checked(desktop, "inbound-source-edit", "desktop");

      // A new URL: the old one answers 404 and stores nothing, the new one stores; Copy copies it.
      page.getByRole(AriaRole.BUTTON, name("New URL")).click();
      assertThat(page.locator(".flash")).containsText("new hosted URL");
      assertThat(page.locator("#hosted-url")).not().hasText(firstUrl);
      String newUrl = page.locator("#hosted-url").textContent().strip();
      assertThat(newUrl).contains("/in/");
      assertThat(api.get("/api/v1/sources/" + id, tenant.key()).json().get("url").asString())
          .isEqualTo(newUrl);
      int stored = api.get("/api/v1/inbound-events", tenant.key()).json().get("data").size();
      assertThat(send(firstUrl, "X-Token", "key-1").status()).isEqualTo(404);
      var answer = send(newUrl, "X-Token", "key-1");
      assertThat(answer.status()).isEqualTo(202);
      JsonNode events = api.get("/api/v1/inbound-events", tenant.key()).json().get("data");
      assertThat(events.size()).isEqualTo(stored + 1);
      assertThat(events.get(0).get("id").asString())
          .isEqualTo(answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow());
      copy.click();
      assertThat(copy).hasText("Copied");
      assertThat(clipboard(page)).isEqualTo(newUrl);

      // Deleted with its connection and its requests; its URL answers 404.
      page.getByRole(AriaRole.BUTTON, name("Delete")).click();
      assertThat(page.locator(".flash"))
          .hasText("Deleted “Billing” with its connections and requests.");
      assertThat(page).hasURL(api.base() + "/inbound/sources");
      assertThat(page.locator(".empty")).containsText("Receive your first webhook");
      assertThat(api.get("/api/v1/sources/" + id, tenant.key()).status()).isEqualTo(404);
      assertThat(api.get("/api/v1/connections/" + connection, tenant.key()).status())
          .isEqualTo(404);
      assertThat(api.get("/api/v1/inbound-events", tenant.key()).json().get("data")).isEmpty();
      assertThat(send(newUrl, "X-Token", "key-1").status()).isEqualTo(404);
    }
  }

  @Test
  void copy_falls_back_to_a_selection_where_the_clipboard_api_is_withheld() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    JsonNode created = api.post("/api/v1/sources", tenant.key(), "{\"name\": \"Shop\"}").json();
    String hosted = created.get("url").asString();
    BrowserContext context = profiles.signedOut(Chromium::context);
    context.grantPermissions(CLIPBOARD);

    // Something else on the clipboard first, from a page where the API is there.
    Page secure = Chromium.page(context);
    secure.navigate(api.base() + "/login");
    secure.bringToFront();
    secure.evaluate("() => navigator.clipboard.writeText('not the hosted URL')");
    assertThat(clipboard(secure)).isEqualTo("not the hosted URL");

    // The same instance at a name that is no secure context: no Clipboard API there.
    String insecure = "http://" + Chromium.INSECURE_HOST + ":" + port;
    Page page = Chromium.page(context);
    page.setDefaultTimeout(WITHIN.toMillis());
    Chromium.signIn(page, insecure, user.email());
    page.navigate(insecure + "/inbound/sources/" + created.get("id").asString());
    assertThat(page.evaluate("() => window.isSecureContext")).isEqualTo(false);
    assertThat(page.evaluate("() => navigator.clipboard === undefined")).isEqualTo(true);
    page.bringToFront();
    Locator copy = page.locator("button[data-copy=hosted-url]");
    assertThat(copy).hasText("Copy");
    copy.click();
    assertThat(copy).hasText("Copied");
    assertThat(page.evaluate("() => window.getSelection().toString()")).isEqualTo(hosted);
    assertThat(clipboard(secure)).isEqualTo(hosted);

    // Where even the older copy is refused, the URL is left selected to copy by hand.
    page.addInitScript("document.execCommand = () => false");
    page.reload();
    copy.click();
    assertThat(copy).hasText("Selected: copy it");
    assertThat(page.evaluate("() => window.getSelection().toString()")).isEqualTo(hosted);
  }
}
