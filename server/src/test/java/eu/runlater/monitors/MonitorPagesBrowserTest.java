package eu.runlater.monitors;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The monitors' pages in the system Chromium: the list with states, last ping or check, next
 * expected and uptime, its filters; a heartbeat's page with its planned-vs-actual strip and ping
 * log; an uptime monitor's with its response-time chart and checks. Each page passes axe and fits a
 * desktop and a phone.
 */
class MonitorPagesBrowserTest extends ServerTest {

  @Autowired JdbcClient jdbc;

  private final Profiles profiles = new Profiles();
  private Fixtures.Tenant tenant;
  private Fixtures.TestUser user;
  private MonitorPagesSeed.Seeded seeded;
  private Sink site;

  @BeforeEach
  void seed() {
    site = MonitorPagesSeed.healthy();
    tenant = fixtures.tenant();
    user = fixtures.user(tenant.id(), Role.MEMBER);
    seeded = new MonitorPagesSeed(jdbc, tenant.id(), Instant.now(), site.url("/health")).all();
  }

  @AfterEach
  void close() {
    profiles.close();
    site.close();
  }

  private Page signedIn(Fixtures.TestUser who, Supplier<BrowserContext> device) {
    Page page = profiles.page(device, api.base(), who);
    // The machine runs other suites beside this one: a page may take longer than the default.
    page.setDefaultNavigationTimeout(60_000);
    return page;
  }

  /** The page passes axe and fits its width; photographed as {@code <name>-<width>} if asked. */
  private static void checked(Page page, String name, String width) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(name + " " + width + " axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(name + " " + width + " layout").isEmpty();
    Screenshots.take(MonitorPagesBrowserTest.class, page, name + "-" + width);
  }

  private void onPhoneToo(String path, String name) {
    Page phone = signedIn(user, Chromium::phone);
    phone.navigate(api.base() + path);
    assertThat(phone.locator("main h1")).isVisible();
    checked(phone, name, "phone");
  }

  @Test
  void the_list_shows_each_monitors_state_last_signal_next_expected_and_uptime() {
    Page page = signedIn(user, Chromium::context);
    page.navigate(api.base() + "/monitors");
    assertThat(page.locator("nav.main-nav a[aria-current=page]")).hasText("Monitors");
    Locator rows = page.locator(".monitors-table tbody tr");
    assertThat(rows).hasCount(4);
    // Down first.
    assertThat(rows.first()).containsText("Offsite backup");
    assertThat(rows.first().locator(".badge.down")).isVisible();
    Locator billing = page.locator("tr[data-monitor-id='" + seeded.billing() + "']");
    assertThat(billing).containsText("Every 5 min, 1 min grace");
    assertThat(billing).containsText("success");
    assertThat(billing.locator(".next-cell")).containsText("in ");
    assertThat(billing.locator(".uptime")).containsText("%");
    Locator website = page.locator("tr[data-monitor-id='" + seeded.website() + "']");
    assertThat(website).containsText("GET " + site.url("/health"));
    // The seeded last check, or a real one the checks' sweep has run since: both answered 200.
    assertThat(website).containsText("· 200");
    Locator replica = page.locator("tr[data-monitor-id='" + seeded.database() + "']");
    assertThat(replica.locator(".next-cell")).hasText("paused");
    checked(page, "monitors", "desktop");

    // The state filter, and the search.
    page.locator("#monitor-state").selectOption("down");
    assertThat(rows).hasCount(1);
    assertThat(rows.first()).containsText("Offsite backup");
    page.navigate(api.base() + "/monitors?q=prod");
    assertThat(rows).hasCount(2);
    onPhoneToo("/monitors", "monitors");
  }

  @Test
  void a_heartbeats_page_shows_planned_vs_actual_its_pings_timeline_and_incidents() {
    Page page = signedIn(user, Chromium::context);
    page.navigate(api.base() + "/monitors/" + seeded.billing());
    assertThat(page.locator("h1")).containsText("Billing sync");
    assertThat(page.locator("#ping-url")).containsText("/ping/tok");
    // The strip: pings came, three were missed, one failed, the next is expected.
    Locator strip = page.locator(".timeline .tl");
    assertThat(page.locator(".timeline .tl.missed")).hasCount(3);
    assertThat(page.locator(".timeline .tl.failed")).hasCount(1);
    assertThat(page.locator(".timeline .tl.planned").first()).isVisible();
    assertThat(strip.count()).isGreaterThan(90);
    page.locator(".timeline .tl.failed").click();
    assertThat(page.locator("#tl-panel")).containsText("exit 2");
    // The ping log, newest first, with a body; paged by 20.
    Locator pings = page.locator("table.pings tbody tr");
    assertThat(pings).hasCount(MonitorPages.PINGS_PAGE);
    assertThat(pings.first()).containsText("success");
    assertThat(pings.first()).containsText("curl/8.5.0");
    assertThat(page.locator("table.pings")).containsText("synced 1204 invoices");
    // Two outages in the last 90 days, both over.
    assertThat(page.locator("table.outages tbody tr")).hasCount(2);
    assertThat(page.locator("table.outages")).containsText("exit code 2");
    assertThat(page.locator("ol.events li").first()).containsText("ping");
    assertThat(page.locator(".uptime-cards .card")).hasCount(4);
    checked(page, "monitor-detail", "desktop");
    page.locator("a", new Page.LocatorOptions().setHasText("Older →")).click();
    // 118 pings: the second page is full too, and leads back to the newest.
    assertThat(pings).hasCount(MonitorPages.PINGS_PAGE);
    assertThat(page.locator("nav.pager a", new Page.LocatorOptions().setHasText("Newest")))
        .isVisible();
    onPhoneToo("/monitors/" + seeded.billing(), "monitor-detail");
  }

  @Test
  void a_down_cron_heartbeat_shows_its_missed_occurrences_and_the_ongoing_incident() {
    Page page = signedIn(user, Chromium::context);
    page.navigate(api.base() + "/monitors/" + seeded.backup());
    assertThat(page.locator("h1 .badge.down")).isVisible();
    assertThat(page.locator(".state-reason")).containsText("due every 15 min");
    assertThat(page.locator("table.outages")).containsText("ongoing");
    assertThat(page.locator(".timeline .tl.missed").count()).isGreaterThanOrEqualTo(3);
    assertThat(page.locator(".timeline .tl.succeeded").count()).isGreaterThan(10);
    checked(page, "monitor-cron", "desktop");
    onPhoneToo("/monitors/" + seeded.backup(), "monitor-cron");
  }

  @Test
  void an_uptime_monitors_page_shows_response_times_per_hour_and_its_checks() {
    Page page = signedIn(user, Chromium::context);
    page.navigate(api.base() + "/monitors/" + seeded.website());
    assertThat(page.locator(".request-line")).hasText("GET " + site.url("/health"));
    assertThat(page.locator("svg.rt-svg polyline.rt-p50")).hasCount(1);
    assertThat(page.locator("svg.rt-svg rect.rt-fail")).hasCount(1);
    assertThat(page.locator("table.checks tbody tr")).hasCount(MonitorPages.CHECKS_SHOWN);
    assertThat(page.locator("dl.facts")).containsText("Accept");
    assertThat(page.locator("dl.facts")).containsText("2 failed checks in a row");
    assertThat(page.locator("table.outages tbody tr")).hasCount(2);
    checked(page, "monitor-uptime", "desktop");
    onPhoneToo("/monitors/" + seeded.website(), "monitor-uptime");
  }

  @Test
  void another_organizations_monitor_is_not_found() {
    var other = fixtures.tenant();
    Page page = signedIn(fixtures.user(other.id(), Role.OWNER), Chromium::context);
    var response = page.navigate(api.base() + "/monitors/" + seeded.website());
    assertThat(response.status()).isEqualTo(404);
    page.navigate(api.base() + "/monitors");
    assertThat(page.locator(".monitors-table")).hasCount(0);
    assertThat(page.locator("h2")).containsText("Watch your first thing");
  }
}
