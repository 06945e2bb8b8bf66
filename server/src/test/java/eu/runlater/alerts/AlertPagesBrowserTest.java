package eu.runlater.alerts;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The alerts pages in the system Chromium against the real services: channels added, tested (the
 * target's answer shown), refused and detached; the default rule and a maintenance window saved; a
 * job's own rule; a failing job's badge, its notification in the log, and the mute page. Each page
 * passes axe and fits a desktop and a phone (photographed when the run asks: {@link Screenshots}).
 */
class AlertPagesBrowserTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired Incidents incidents;
  @Autowired NotificationLog log;

  private final Profiles profiles = new Profiles();
  private final Map<String, Page> phones = new HashMap<>();
  private Sink sink;

  @BeforeEach
  void sink() {
    // /fail answers 500 with a body; everything else 200 "thanks".
    sink =
        Sink.start()
            .respond(
                r ->
                    r.path().startsWith("/fail")
                        ? Sink.Reply.status(500).withBody(bytes("boom: target down"))
                        : Sink.Reply.status(200).withBody(bytes("thanks, got it")));
  }

  @AfterEach
  void close() {
    profiles.close();
    phones.clear();
    sink.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Page desktop(Fixtures.TestUser user) {
    return profiles.page(Chromium::context, api.base(), user);
  }

  /**
   * One phone, signed in once per user and test, whose tab goes from page to page: every page
   * checked at phone size (a new profile or tab per page costs more than the check).
   */
  private Page phone(Fixtures.TestUser user) {
    return phones.computeIfAbsent(
        user.email(), email -> profiles.page(Chromium::phone, api.base(), user));
  }

  /** The page passes axe and fits its width; photographed as {@code <name>-<width>} if asked. */
  private static void checked(Page page, String name, String width) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(name + " " + width + " axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(name + " " + width + " layout").isEmpty();
    Screenshots.take(AlertPagesBrowserTest.class, page, name + "-" + width);
  }

  /** Checks {@code path} at desktop size on {@code page} and again on a phone. */
  private void bothSizes(Page page, Fixtures.TestUser user, String path, String name) {
    page.navigate(api.base() + path);
    checked(page, name, "desktop");
    Page phone = phone(user);
    phone.navigate(api.base() + path);
    checked(phone, name, "phone");
  }

  private void addWebhook(Page page, String name, String url) {
    page.navigate(api.base() + "/settings/notifications");
    page.locator("#ch-name").fill(name);
    page.locator("#ch-kind").selectOption("webhook");
    page.locator("#ch-webhook-url").fill(url);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add channel")).click();
  }

  private Locator row(Page page, String name) {
    return page.locator("#channel-table tr", new Page.LocatorOptions().setHasText(name));
  }

  @Test
  void a_webhook_channel_added_on_the_page_sends_a_test_and_shows_the_targets_answer() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Page page = desktop(admin);
    addWebhook(page, "ops hook", sink.url("/hook"));
    assertThat(page.locator(".flash")).containsText("Added channel ops hook");
    Locator row = row(page, "ops hook");
    assertThat(row).containsText("Webhook");
    // The URL is a secret: masked in the table, never shown whole.
    assertThat(row.locator(".target")).not().containsText("/hook");

    row.getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send a test to ops hook"))
        .click();
    Locator result = page.locator("#channel-test");
    assertThat(result.locator(".test-code")).hasText("200");
    assertThat(result.locator(".test-answer")).containsText("thanks, got it");
    assertThat(sink.received()).anyMatch(r -> r.path().equals("/hook"));
    // The log shows the test, delivered.
    page.navigate(api.base() + "/settings/notifications");
    assertThat(row(page, "ops hook").locator(".badge.delivered")).isVisible();
    bothSizes(page, admin, "/settings/notifications", "settings-notifications");

    // Edited with the secret left empty: renamed, the URL kept (the test still reaches /hook).
    row(page, "ops hook").locator("summary").click();
    row(page, "ops hook")
        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Edit"))
        .click();
    assertThat(page.locator("#ch-webhook-url")).hasValue("");
    assertThat(page.locator("#ch-webhook-url")).hasAttribute("placeholder", "leave empty to keep");
    checked(page, "settings-channel-edit", "desktop");
    page.locator("#ch-name").fill("ops webhook");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save channel")).click();
    assertThat(page.locator(".flash")).containsText("Saved channel ops webhook");
    int before = sink.received().size();
    row(page, "ops webhook")
        .getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send a test to ops webhook"))
        .click();
    assertThat(page.locator("#channel-test .test-code")).hasText("200");
    assertThat(sink.received().subList(before, sink.received().size()))
        .anyMatch(r -> r.path().equals("/hook"));

    addWebhook(page, "broken hook", sink.url("/fail"));
    row(page, "broken hook")
        .getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send a test to broken hook"))
        .click();
    assertThat(page.locator("#channel-test .test-code")).hasText("500");
    assertThat(page.locator("#channel-test")).containsText("boom: target down");
    checked(page, "settings-notifications-test-failed", "desktop");
  }

  @Test
  void invalid_settings_and_rules_are_shown_beside_their_fields() {
    var tenant = fixtures.tenant();
    Page page = desktop(fixtures.user(tenant.id(), Role.OWNER));
    addWebhook(page, "bad", "not a url");
    assertThat(page.locator("#add-channel .field-error").first()).isVisible();
    assertThat(page.locator("#ch-webhook-url")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#ch-name")).hasValue("bad");
    checked(page, "settings-notifications-invalid", "desktop");

    page.navigate(api.base() + "/settings/notifications");
    page.locator("#def-trigger").selectOption("consecutive");
    page.locator("#def-consecutive").fill("1");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save default rule"))
        .click();
    assertThat(page.locator("#def-consecutive")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#def-consecutive-error")).containsText("between 2 and 100");
  }

  @Test
  void a_channel_used_by_a_rule_is_refused_then_detached_and_deleted() {
    var tenant = fixtures.tenant();
    Page page = desktop(fixtures.user(tenant.id(), Role.ADMIN));
    addWebhook(page, "named hook", sink.url("/hook"));
    page.locator("#rules input[name=channelsMode][value=chosen]").check();
    page.locator(
            "#rules .channel-choices label", new Page.LocatorOptions().setHasText("named hook"))
        .locator("input")
        .check();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save default rule"))
        .click();
    assertThat(page.locator(".flash")).containsText("Saved the default rule");

    Locator row = row(page, "named hook");
    row.locator("summary").click();
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete named hook"))
        .click();
    assertThat(page.locator("#delete-refused")).containsText("named hook is used by rules");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Detach and delete"))
        .click();
    assertThat(page.locator(".flash")).containsText("took it out of its rules");
    assertThat(row(page, "named hook")).hasCount(0);
  }

  @Test
  void a_member_sees_the_settings_but_cannot_change_them() {
    var tenant = fixtures.tenant();
    Page admin = desktop(fixtures.user(tenant.id(), Role.ADMIN));
    addWebhook(admin, "seen hook", sink.url("/hook"));
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    Page page = desktop(member);
    page.navigate(api.base() + "/settings");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Notifications"))
        .first()
        .click();
    assertThat(page.locator("#read-only")).isVisible();
    assertThat(row(page, "seen hook")).isVisible();
    assertThat(page.locator("#add-channel")).hasCount(0);
    assertThat(page.locator("#add-window")).hasCount(0);
    assertThat(page.getByText("Send test")).hasCount(0);
    assertThat(page.locator("#def-trigger")).isDisabled();
    bothSizes(page, member, "/settings/notifications", "settings-notifications-member");
  }

  @Test
  void the_default_rule_and_a_maintenance_window_are_saved() {
    var tenant = fixtures.tenant();
    Page page = desktop(fixtures.user(tenant.id(), Role.OWNER));
    page.navigate(api.base() + "/settings/notifications");
    page.locator("#def-trigger").selectOption("consecutive");
    page.locator("#def-consecutive").fill("4");
    page.locator("#def-realert").fill("30");
    page.locator("#def-group").fill("120");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save default rule"))
        .click();
    assertThat(page.locator(".flash")).containsText("Saved the default rule");
    page.reload();
    assertThat(page.locator("#def-trigger")).hasValue("consecutive");
    assertThat(page.locator("#def-consecutive")).hasValue("4");
    assertThat(page.locator("#def-realert")).hasValue("30");
    assertThat(page.locator("#def-group")).hasValue("120");

    page.locator("#mw-name").fill("Nightly deploys");
    page.locator("#mw-zone").fill("Europe/Oslo");
    page.locator("input[name=type][value=recurring]").check();
    page.locator("#mw-cron").fill("30 2 * * *");
    page.locator("#mw-duration").fill("45");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add window")).click();
    Locator window =
        page.locator("#window-table tr", new Page.LocatorOptions().setHasText("Nightly deploys"));
    assertThat(window).containsText("30 2 * * *");
    assertThat(window.locator(".next-start")).containsText("02:30:00");

    page.locator("#mw-name").fill("One-off");
    page.locator("#mw-from").fill("2030-01-05T10:00");
    page.locator("#mw-until").fill("2030-01-05T09:00");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add window")).click();
    assertThat(page.locator("#add-window .field-error").first()).containsText("after");
    assertThat(page.locator("#mw-name")).hasValue("One-off");
  }

  /** A job through the API that calls {@code path} of the sink, once a year (run by trigger). */
  private String job(Fixtures.Tenant tenant, String name, String path) {
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "%s", "url": "%s", "retries": 0,
             "schedule": {"type": "cron", "expression": "0 0 1 1 *", "timezone": "UTC"}}
            """
                .formatted(name, sink.url(path)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  @Test
  void a_jobs_own_alert_rule_is_saved_from_its_page_and_shown() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Page page = desktop(admin);
    String id = job(tenant, "nightly report", "/ok");
    page.navigate(api.base() + "/jobs/" + id);
    Locator section = page.locator("#alerts");
    assertThat(section).containsText("follows the organization's default rule");
    section.locator("input[name=mode][value=custom]").check();
    section.locator("#ov-trigger").selectOption("consecutive");
    section.locator("#ov-consecutive").fill("5");
    section
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save alerts"))
        .click();
    assertThat(page.locator(".flash")).containsText("Saved its own alert rule");
    assertThat(page.locator("#alerts")).containsText("It has its own rule.");
    assertThat(page.locator("#ov-consecutive")).hasValue("5");
    checked(page, "job-alerts", "desktop");

    // A refused value comes back beside its field, the job's page kept.
    page.locator("#ov-consecutive").fill("500");
    page.locator("#alerts")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save alerts"))
        .click();
    assertThat(page.locator("#alerts .field-error").first()).containsText("between 2 and 100");
    assertThat(page.locator("#ov-consecutive")).hasValue("500");

    page.locator("#alerts input[name=mode][value=inherit]").check();
    page.locator("#alerts")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save alerts"))
        .click();
    assertThat(page.locator("#alerts")).containsText("follows the organization's default rule");
  }

  @Test
  void a_queues_own_alert_rule_with_a_depth_threshold_is_saved_from_its_page() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.OWNER);
    assertThat(api.put("/api/v1/queues/emails", tenant.key(), "{}").status()).isLessThan(300);
    Page page = desktop(admin);
    page.navigate(api.base() + "/queues/emails");
    Locator section = page.locator("#alerts");
    section.locator("input[name=mode][value=custom]").check();
    // A queue's trigger has no failure rate.
    assertThat(section.locator("#ov-trigger option[value=failure_rate]")).hasCount(0);
    section.locator("#ov-depth").fill("1000");
    section.locator("#ov-oldest").fill("15");
    section.locator("#ov-dead").selectOption("false");
    section
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save alerts"))
        .click();
    assertThat(page.locator(".flash")).containsText("Saved its own alert rule");
    assertThat(page.locator("#ov-depth")).hasValue("1000");
    assertThat(page.locator("#ov-oldest")).hasValue("15");
    assertThat(page.locator("#ov-dead")).hasValue("false");
    bothSizes(page, admin, "/queues/emails", "queue-alerts");
  }

  @Test
  void a_failing_job_shows_its_badge_its_alert_in_the_log_and_can_be_muted() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Page page = desktop(admin);
    addWebhook(page, "pager hook", sink.url("/hook"));
    String id = job(tenant, "flaky sync", "/fail/sync");
    assertThat(api.post("/api/v1/jobs/" + id + "/trigger", tenant.key(), null).status())
        .isLessThan(300);
    UUID jobId = UUID.fromString(id);
    Sink.await(
        WAIT,
        "an open incident of the failing job",
        () -> incidents.open(tenant.id(), "job", List.of(jobId)).containsKey(jobId));
    Sink.await(
        WAIT,
        "the alert delivered to the webhook",
        () ->
            log
                .list(
                    tenant.id(),
                    new NotificationLog.Filter(null, "alert", "delivered", null),
                    null,
                    5)
                .stream()
                .findAny()
                .isPresent());

    page.navigate(api.base() + "/jobs");
    Locator badge = page.locator("tr[data-job-id='" + id + "'] .alert-badge");
    assertThat(badge).hasText("alerting");
    assertThat(badge).hasAttribute("title", java.util.regex.Pattern.compile("Alerting since"));
    bothSizes(page, admin, "/jobs", "jobs-alerting");
    page.navigate(api.base() + "/jobs/" + id);
    assertThat(page.locator("#job-head .alert-badge")).hasText("alerting");
    bothSizes(page, admin, "/jobs/" + id, "job-detail-alerting");

    // Home lists it.
    page.navigate(api.base() + "/");
    assertThat(page.locator("#attention")).containsText("flaky sync is alerting");
    checked(page, "home-alerting", "desktop");

    // The log lists the alert; its page shows what was sent and the attempt.
    page.navigate(api.base() + "/notifications?kind=alert");
    Locator alertRow =
        page.locator(
            "#notification-table tbody tr", new Page.LocatorOptions().setHasText("flaky sync"));
    assertThat(alertRow.first().locator(".badge")).hasText("delivered");
    bothSizes(page, admin, "/notifications", "notifications");
    page.navigate(api.base() + "/notifications?kind=alert");
    page.locator("#notification-table tbody tr td.headline a").first().click();
    assertThat(page.locator(".sent-text")).containsText("flaky sync");
    assertThat(page.locator("#attempt-table tbody tr").first()).containsText("200");
    assertThat(page.locator("#attempt-table tbody tr").first()).containsText("thanks, got it");
    bothSizes(page, admin, java.net.URI.create(page.url()).getPath(), "notification");

    // The mute link of every message: mute for an hour, then unmute.
    page.navigate(api.base() + "/alerts/mute?subject=job:" + id);
    assertThat(page.locator("h1")).containsText("flaky sync");
    bothSizes(page, admin, "/alerts/mute?subject=job:" + id, "alerts-mute");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute for 1 h")).click();
    assertThat(page.locator("#mute-state")).containsText("Muted until");
    page.navigate(api.base() + "/jobs/" + id);
    assertThat(page.locator("#alerts .muted-until")).containsText("Muted until");
    assertThat(page.locator("#job-head .alert-badge")).hasText("muted");
    page.navigate(api.base() + "/alerts/mute?subject=job:" + id);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Unmute").setExact(true))
        .click();
    assertThat(page.locator("#mute-state")).containsText("go to its channels");
  }
}
