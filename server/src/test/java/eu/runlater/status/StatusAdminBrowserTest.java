package eu.runlater.status;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.organizations.Tier;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.ServerTest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The status pages and incidents pages in the system Chromium: a page made in the editor (its
 * preview follows the unsaved form), a taken slug refused on its field, an incident opened on a
 * component, updated to resolved; the operator's instance incidents. Each page passes axe and fits
 * a desktop and a phone.
 */
class StatusAdminBrowserTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  private final Profiles profiles = new Profiles();
  private final Map<String, Page> phones = new HashMap<>();

  @AfterEach
  void close() {
    profiles.close();
    phones.clear();
  }

  /**
   * A page signed in as {@code user} by a request: the login form itself is
   * AccountPagesBrowserTest's, and a sign-in through it renders two pages and costs a second or two
   * on a busy machine.
   */
  private Page signedIn(Fixtures.TestUser user, Supplier<BrowserContext> device) {
    return profiles.page(device, api.base(), user);
  }

  private static void checked(Page page, String what) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(what + " axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(what + " layout").isEmpty();
  }

  private void bothSizes(Page desktop, Fixtures.TestUser user, String path) {
    desktop.navigate(api.base() + path);
    checked(desktop, path + " desktop");
    // One phone per user and test, signed in once, whose tab goes from page to page (a new
    // profile or tab per page costs more than the check).
    Page phone = phones.computeIfAbsent(user.email(), e -> signedIn(user, Chromium::phone));
    phone.navigate(api.base() + path);
    checked(phone, path + " phone");
  }

  @Test
  void a_page_is_made_in_the_editor_with_a_live_preview_and_an_incident_is_told_to_resolved() {
    Fixtures.Tenant tenant = fixtures.tenant(Tier.PRO);
    Fixtures.TestUser user = fixtures.user(tenant.id(), Role.OWNER);
    api.post(
        "/api/v1/status-pages",
        fixtures.tenant().key(),
        "{\"slug\": \"taken\", \"title\": \"Other\"}");
    Page page = signedIn(user, Chromium::context);

    bothSizes(page, user, "/status-pages");
    page.navigate(api.base() + "/status-pages");
    page.getByRole(
            AriaRole.LINK, new Page.GetByRoleOptions().setName("New status page").setExact(true))
        .first()
        .click();
    checked(page, "editor");
    page.locator("#sp-title").fill("Acme status");
    page.locator("#c-name-0").fill("Public API");
    page.locator("#c-group-0").fill("Core");
    page.locator("#c-name-1").fill("Webhooks");
    page.locator("#c-state-1").selectOption("major_outage");
    // The preview follows the unsaved form.
    var preview = page.frameLocator("#preview iframe");
    assertThat(preview.locator("h1")).hasText("Acme status");
    assertThat(preview.locator("body")).containsText("Webhooks");
    assertThat(preview.locator("body")).containsText("Preview");

    page.locator("#sp-slug").fill("taken");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create status page"))
        .click();
    assertThat(page.locator("#sp-slug-error")).containsText("is taken");
    assertThat(page.locator("#sp-slug")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#c-name-1")).hasValue("Webhooks");
    checked(page, "editor with an error");
    page.locator("#sp-slug").fill("acme-browser");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create status page"))
        .click();
    assertThat(page.locator(".flash")).containsText("Created the status page");
    String editorPath = page.url().substring(api.base().length());
    bothSizes(page, user, editorPath);

    page.navigate(api.base() + "/incidents/new");
    checked(page, "new incident");
    page.locator("#i-title").fill("Webhooks delayed");
    page.locator("#i-impact").selectOption("major");
    page.locator("#i-message").fill("Deliveries run late.");
    page.getByLabel("Core · Public API").check();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open incident")).click();
    assertThat(page.locator(".flash")).containsText("Opened");
    assertThat(page.locator(".updates")).containsText("Deliveries run late.");
    String incidentPath = page.url().substring(api.base().length());
    bothSizes(page, user, incidentPath);

    page.navigate(api.base() + incidentPath);
    page.locator("#u-status").selectOption("resolved");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post update")).click();
    assertThat(page.locator("#u-message-error")).containsText("required");
    page.locator("#u-message").fill("Back to normal.");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post update")).click();
    assertThat(page.locator(".page-head .badge").first()).hasText("resolved");
    bothSizes(page, user, "/incidents");
    assertThat(page.locator("table.incidents")).containsText("Webhooks delayed");

    page.navigate(api.base() + "/incidents/new?kind=maintenance");
    checked(page, "new maintenance");
    page.locator("#i-title").fill("Database upgrade");
    page.locator("#i-starts").fill("2030-01-05T02:00");
    page.locator("#i-ends").fill("2030-01-05T01:00");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Schedule maintenance"))
        .click();
    assertThat(page.locator("#i-ends-error")).containsText("after");
    page.locator("#i-ends").fill("2030-01-05T03:00");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Schedule maintenance"))
        .click();
    assertThat(page.locator(".flash")).containsText("Scheduled");
  }

  @Test
  void the_operator_tells_the_instances_own_incidents_and_nobody_else_sees_them() {
    Fixtures.Tenant tenant = fixtures.tenant();
    Fixtures.TestUser operator = fixtures.user(tenant.id(), Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id")
        .param("id", operator.id())
        .update();
    Page page = signedIn(operator, Chromium::context);
    bothSizes(page, operator, "/admin/incidents");
    page.navigate(api.base() + "/admin/incidents/new");
    page.locator("#i-title").fill("Scheduler running late");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Open incident")).click();
    page.locator("#u-status").selectOption("identified");
    page.locator("#u-message").fill("A slow disk; moving the database.");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Post update")).click();
    assertThat(page.locator(".updates")).containsText("A slow disk");
    checked(page, "instance incident");

    Fixtures.TestUser someone = fixtures.user(tenant.id(), Role.OWNER);
    Page other = signedIn(someone, Chromium::context);
    var answer = other.navigate(api.base() + "/admin/incidents");
    assertThat(answer.status()).isEqualTo(403);
    assertThat(api.get("/api/v1/incidents", tenant.key()).json().path("data").size()).isZero();
  }
}
