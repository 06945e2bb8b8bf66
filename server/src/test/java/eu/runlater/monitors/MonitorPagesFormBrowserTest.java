package eu.runlater.monitors;

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
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor form and actions in the system Chromium: mistakes shown beside their fields and
 * nothing saved, a heartbeat created and edited, only the chosen kind's fields shown, the tier's
 * shortest check interval refused on the interval, and pause, resume and delete from the page.
 */
class MonitorPagesFormBrowserTest extends ServerTest {

  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Page signedIn(Fixtures.TestUser who, Supplier<BrowserContext> device) {
    Page page = profiles.page(device, api.base(), who);
    // The machine runs other suites beside this one: a page may take longer than the default.
    page.setDefaultNavigationTimeout(60_000);
    return page;
  }

  private static void checked(Page page, String name, String width) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(name + " " + width + " axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(name + " " + width + " layout").isEmpty();
    Screenshots.take(MonitorPagesFormBrowserTest.class, page, name + "-" + width);
  }

  private long monitors(Fixtures.Tenant tenant) {
    return api.get("/api/v1/monitors", tenant.key()).json().get("data").size();
  }

  @Test
  void a_heartbeat_with_mistakes_is_shown_again_with_each_beside_its_field_then_created() {
    var tenant = fixtures.tenant();
    Page page = signedIn(fixtures.user(tenant.id(), Role.MEMBER), Chromium::context);
    page.navigate(api.base() + "/monitors");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("New heartbeat monitor"))
        .click();
    // Only the heartbeat's fields show.
    assertThat(page.locator("#period")).isVisible();
    assertThat(page.locator("#url")).isHidden();
    assertThat(page.locator("#cron")).isHidden();
    page.locator("#period").fill("soon");
    page.locator("#grace").fill("1s");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create monitor")).click();

    assertThat(page.locator(".flash.error")).containsText("The monitor was not saved");
    assertThat(page.locator("#name-error")).containsText("Name is required");
    assertThat(page.locator("#period-error")).isVisible();
    assertThat(page.locator("#grace-error")).isVisible();
    assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#name")).isFocused();
    // As typed.
    assertThat(page.locator("#period")).hasValue("soon");
    checked(page, "monitor-form-errors", "desktop");
    assertThat(monitors(tenant)).isZero();

    page.locator("#name").fill("Nightly backup");
    page.locator("#tags").fill("backups, prod");
    page.getByLabel("At set times (cron)").check();
    assertThat(page.locator("#period")).isHidden();
    page.locator("#cron").fill("0 2 * * *");
    page.locator("#timezone").fill("Europe/Oslo");
    page.locator("#grace").fill("30m");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create monitor")).click();

    assertThat(page.locator(".flash")).containsText("Created “Nightly backup”");
    assertThat(page.locator("h1")).containsText("Nightly backup");
    assertThat(page.locator("h1 .badge.new")).isVisible();
    assertThat(page.locator("#ping-url")).containsText("/ping/");
    assertThat(page.locator("dl.facts")).containsText("(Europe/Oslo), 30 min grace");
    assertThat(page.locator(".tags")).containsText("backups");

    // Edited: the form shows what is stored, in words; a change is saved.
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit").setExact(true))
        .click();
    assertThat(page.locator("#cron")).hasValue("0 2 * * *");
    assertThat(page.locator("#grace")).hasValue("30m");
    assertThat(page.locator("input[name=kind][type=radio]")).hasCount(0);
    page.locator("#name").fill("Nightly backup (db)");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
    assertThat(page.locator(".flash")).containsText("Saved “Nightly backup (db)”");
    assertThat(monitors(tenant)).isEqualTo(1);
  }

  @Test
  void an_uptime_monitor_shows_its_own_fields_and_the_free_tier_interval_is_refused_beside_it() {
    var tenant = fixtures.tenant(Tier.FREE);
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    Page page = signedIn(user, Chromium::context);
    page.navigate(api.base() + "/monitors/new?kind=http");
    assertThat(page.locator("#url")).isVisible();
    assertThat(page.locator("#expectedStatuses")).isVisible();
    assertThat(page.locator("#period")).isHidden();
    assertThat(page.locator("#interval-hint")).containsText("From 5 min");
    page.getByLabel("Port (TCP check)").check();
    assertThat(page.locator("#expectedStatuses")).isHidden();
    assertThat(page.locator("#url")).isVisible();
    page.getByLabel("Website or API (HTTP check)").check();

    page.locator("#name").fill("Shop");
    page.locator("#url").fill("https://shop.example.com/health");
    page.locator("#interval").fill("1m");
    page.locator("#expectedStatuses").fill("2xx");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create monitor")).click();
    assertThat(page.locator("#interval-error")).containsText("free tier");
    assertThat(page.locator("#expected_statuses-error")).isVisible();
    assertThat(page.locator("#url")).hasValue("https://shop.example.com/health");
    assertThat(page.locator("#expectedStatuses")).isVisible();
    assertThat(monitors(tenant)).isZero();
    checked(page, "monitor-form-uptime", "desktop");

    Page phone = signedIn(user, Chromium::phone);
    phone.navigate(api.base() + "/monitors/new?kind=http");
    checked(phone, "monitor-form-uptime", "phone");
  }

  @Test
  void a_monitor_is_paused_resumed_and_deleted_from_its_page() {
    var tenant = fixtures.tenant();
    var created =
        api.post(
            "/api/v1/monitors",
            tenant.key(),
            "{\"name\": \"Hourly export\", \"period\": \"1h\", \"grace\": \"5m\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    Page page = signedIn(fixtures.user(tenant.id(), Role.MEMBER), Chromium::context);
    page.navigate(api.base() + "/monitors/" + id);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pause")).click();
    assertThat(page.locator(".flash")).containsText("Paused “Hourly export”");
    assertThat(page.locator("h1 .badge.paused")).isVisible();
    assertThat(page.locator("ol.events li").first()).containsText("paused by");

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Resume")).click();
    assertThat(page.locator(".flash")).containsText("Resumed “Hourly export”");
    assertThat(page.locator("h1 .badge.new")).isVisible();
    checked(page, "monitor-new", "desktop");

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete")).click();
    assertThat(page.locator(".flash")).containsText("Deleted “Hourly export”");
    assertThat(page).hasURL(api.base() + "/monitors");
    assertThat(monitors(tenant)).isZero();

    // Pausing from the list goes back to the list.
    var other =
        api.post(
            "/api/v1/monitors", tenant.key(), "{\"name\": \"Queue drain\", \"period\": \"15m\"}");
    page.navigate(api.base() + "/monitors");
    var row = page.locator("tr[data-monitor-id='" + other.json().get("id").asString() + "']");
    row.locator("summary").click();
    row.getByRole(
            AriaRole.BUTTON,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Pause"))
        .click();
    assertThat(page).hasURL(api.base() + "/monitors");
    assertThat(row.locator(".badge.paused")).isVisible();
  }

  @Test
  void a_member_of_another_organization_cannot_edit_or_pause_it() {
    var tenant = fixtures.tenant();
    var created =
        api.post("/api/v1/monitors", tenant.key(), "{\"name\": \"Private\", \"period\": \"1h\"}");
    String id = created.json().get("id").asString();
    var stranger = fixtures.tenant();
    Page page = signedIn(fixtures.user(stranger.id(), Role.OWNER), Chromium::context);
    assertThat(page.navigate(api.base() + "/monitors/" + id + "/edit").status()).isEqualTo(404);
    var pause =
        page.request()
            .post(
                api.base() + "/monitors/" + id + "/pause",
                com.microsoft.playwright.options.RequestOptions.create().setMaxRedirects(0));
    assertThat(pause.status()).isIn(403, 404);
    assertThat(api.get("/api/v1/monitors/" + id, tenant.key()).json().get("state").asString())
        .isEqualTo("new");
  }
}
