package eu.runlater.jobs;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The jobs pages explain themselves (issue 14), at a desktop and a phone size: one state per job
 * with the hold's words when a run is late, a list that fits with its actions in a menu, a header
 * that follows the run live, timeline entries that open their details by keyboard and by tap, and a
 * form that helps. Every page is checked by axe-core and for fitting its width.
 */
class JobPagesStateBrowserTest extends eu.runlater.support.ServerTest {
  private static final String HELD_HOST = "https://held.example.test:443";

  @Autowired JobCommands jobs;
  @Autowired JobValidator validator;
  @Autowired JdbcClient jdbc;

  private final Profiles profiles = new Profiles();
  // One member per organization and test: its desktop and phone profiles share one sign-in.
  private final Map<UUID, Fixtures.TestUser> members = new HashMap<>();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Page signedIn(UUID org, boolean phone) {
    return signedIn(org, phone ? Chromium.phone() : Chromium.context());
  }

  private Page signedIn(UUID org, BrowserContext context) {
    var member = members.computeIfAbsent(org, o -> fixtures.user(o, Role.MEMBER));
    return profiles.page(() -> context, api.base(), member);
  }

  private Job cron(UUID org, String name, String url, String expression) {
    return create(
        org, name, url, new JobInput.ScheduleInput("cron", null, null, expression, "UTC"));
  }

  private Job onceNow(UUID org, String name, String url) {
    return create(org, name, url, new JobInput.ScheduleInput("once", null, "0s", null, null));
  }

  private Job create(UUID org, String name, String url, JobInput.ScheduleInput schedule) {
    JobInput input =
        new JobInput(
            name, null, url, "GET", null, null, null, null, null, null, schedule, true, null, null,
            null);
    return jobs.create(org, validator.validate(input, Instant.now()));
  }

  /** A one-time job made through the API, as another client would; its id. */
  private String viaApi(String key, String name, String url, String delay) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "%s", "url": "%s", "schedule": {"type": "once", "delay": "%s"}}
            """
                .formatted(name, url, delay));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  /** The target's circuit open, as the engine leaves it after repeated failures. */
  private void openCircuit(UUID org) {
    Instant now = Instant.now();
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, consecutive_failures, circuit,
                                     opened_at, reopen_at, open_count, last_error, updated_at)
            VALUES (:org, :host, 5, 'open', :opened, :reopen, 1, 'connection refused', :now)
            """)
        .param("org", org)
        .param("host", HELD_HOST)
        .param("opened", SqlTime.ts(now.minus(Duration.ofMinutes(5))))
        .param("reopen", SqlTime.ts(now.plus(Duration.ofMinutes(30))))
        .param("now", SqlTime.ts(now))
        .update();
  }

  private void checked(Page page) {
    Axe.assertClean(page);
    Layout.assertFits(page);
  }

  @Test
  void the_list_fits_with_one_button_and_a_menu_and_a_held_job_says_why() {
    var org = fixtures.tenant();
    openCircuit(org.id());
    Job held = onceNow(org.id(), "Held by its host", "https://held.example.test/hook");
    for (int i = 0; i < 4; i++) {
      cron(
          org.id(),
          "A job with a rather long name that has to wrap somewhere " + i,
          "https://example.com/a-rather-long-path/that/goes/on/and/on/and/on/" + i + "?x=1&y=2",
          "0 9 * * 1");
    }
    var view = api.get("/api/v1/jobs/" + held.id(), org.key()).json();
    assertThat(view.get("status").asString()).isEqualTo("held");
    assertThat(view.get("hold").get("kind").asString()).isEqualTo("host_circuit");
    assertThat(view.get("due_at").isNull()).isFalse();
    for (boolean phone : List.of(false, true)) {
      Page page = signedIn(org.id(), phone);
      page.navigate(api.base() + "/jobs");
      Locator row = page.locator("tr[data-job-id='" + held.id() + "']");
      assertThat(row.locator(".badge")).hasText("held");
      assertThat(row).containsText("the circuit to held.example.test is open");
      // Never a next run in the past: a due run says it is due, and why it waits.
      assertThat(row.locator("td[data-label='Next run']"))
          .hasText(java.util.regex.Pattern.compile("^\\s*Due .* ago\\s*$"));
      // One visible button per row; the rest in its menu.
      Locator rows = page.locator(".jobs-table tbody tr");
      assertThat(rows).hasCount(5);
      for (int i = 0; i < 5; i++) {
        Locator r = rows.nth(i);
        assertThat(r.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run now")))
            .isVisible();
        assertThat(r.locator(".row-menu summary")).isVisible();
        assertThat(r.locator(".badge")).hasCount(1);
      }
      row.locator(".row-menu summary").click();
      for (String action : List.of("Edit", "Disable", "Clone", "History", "Delete")) {
        assertThat(
                row.locator(".menu")
                    .getByText(action, new Locator.GetByTextOptions().setExact(true)))
            .isVisible();
      }
      checked(page);
      if (phone) {
        // A card: the row's cells stack, each under its column's name.
        assertThat(row.locator("td[data-label='Schedule']")).isVisible();
        assertThat(row.locator("td[data-label='Next run']")).isVisible();
        assertThat(row.locator("td[data-label='Last run']")).isVisible();
      }
      page.keyboard().press("Escape");

      page.navigate(api.base() + "/jobs/" + held.id());
      assertThat(page.locator("#job-head .badge")).hasCount(1);
      assertThat(page.locator("#job-head .badge")).hasText("held");
      assertThat(page.locator("#job-head")).containsText("Due");
      assertThat(page.locator("#job-head .hold")).containsText("circuit to held.example.test");
      assertThat(page.locator("#job-head .hold a"))
          .hasAttribute("href", "/hosts/https/held.example.test:443");
      assertThat(page.locator("body")).not().containsText("No further runs are planned");
      checked(page);
    }
  }

  @Test
  void the_header_badge_and_last_run_follow_the_run_without_reloading() {
    var org = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      String id = viaApi(org.key(), "followed", sink.url("/followed"), "1h");
      Page page = signedIn(org.id(), false);
      page.navigate(api.base() + "/jobs/" + id);
      assertThat(page.locator("#job-head .badge")).hasText("scheduled");
      assertThat(page.locator("#job-head")).containsText("Never ran");
      page.evaluate("window.__stillHere = true");
      // Run through the API, as another client would: the open page's header follows.
      assertThat(api.post("/api/v1/jobs/" + id + "/trigger", org.key(), "").status())
          .isEqualTo(202);
      sink.awaitCount(1, Duration.ofSeconds(20));
      assertThat(page.locator("#job-head"))
          .containsText(
              "Last run: success",
              new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                  .setTimeout(15_000));
      assertThat(page.locator("#job-head .badge")).hasCount(1);
      assertThat(page.locator("#job-head .badge")).hasText("scheduled");
      assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    }
  }

  @Test
  void held_cron_occurrences_say_why_and_open_their_details_by_keyboard_and_by_tap() {
    var org = fixtures.tenant();
    openCircuit(org.id());
    Job job = cron(org.id(), "Every minute, held", "https://held.example.test/minute", "* * * * *");
    Instant due = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
    // The job existed ten minutes ago, and its occurrence of five minutes ago waits, held: the
    // occurrences after it have no task of their own yet.
    jdbc.sql("UPDATE jobs SET schedule_changed_at = :t WHERE id = :id")
        .param("t", SqlTime.ts(due.minus(Duration.ofMinutes(5))))
        .param("id", job.id())
        .update();
    jdbc.sql(
            "UPDATE tasks SET scheduled_for = :due, run_at = :due, state = 'held'"
                + " WHERE source_id = :id")
        .param("due", SqlTime.ts(due))
        .param("id", job.id())
        .update();

    var timeline = api.get("/api/v1/jobs/" + job.id() + "/timeline", org.key()).json();
    List<String> statuses = new ArrayList<>();
    timeline.get("entries").forEach(e -> statuses.add(e.get("status").asString()));
    // Before the held run: nothing happened (the job did not run then). From it on: held, not
    // "not run", until the times still ahead.
    int first = statuses.indexOf("held");
    assertThat(first).isGreaterThanOrEqualTo(0);
    assertThat(statuses.subList(first, statuses.indexOf("planned"))).containsOnly("held");
    assertThat(statuses.subList(first, statuses.indexOf("planned"))).hasSizeGreaterThan(4);
    timeline
        .get("entries")
        .forEach(
            e -> {
              if ("held".equals(e.get("status").asString())) {
                assertThat(e.get("reason").asString()).contains("circuit to held.example.test");
                assertThat(e.get("hold").get("kind").asString()).isEqualTo("host_circuit");
              }
            });

    for (boolean phone : List.of(false, true)) {
      Page page = signedIn(org.id(), phone);
      page.navigate(api.base() + "/jobs/" + job.id());
      assertThat(page.locator("#job-head .badge")).hasText("held");
      Locator held = page.locator(".timeline button.tl.held");
      assertThat(held.first()).isVisible();
      var box = held.first().boundingBox();
      assertThat(box.width).isGreaterThanOrEqualTo(24);
      assertThat(box.height).isGreaterThanOrEqualTo(24);
      assertThat(held.last())
          .hasAttribute("aria-label", java.util.regex.Pattern.compile(": held$"));
      if (phone) {
        held.last().tap();
      } else {
        held.last().focus();
        page.keyboard().press("Enter");
      }
      Locator panel = page.locator("#tl-panel");
      assertThat(panel.locator(".badge")).hasText("held");
      assertThat(panel).containsText("waits behind the run due at");
      assertThat(panel).containsText("circuit to held.example.test");
      assertThat(panel.locator(".hold a")).isVisible();
      assertThat(held.last()).hasAttribute("aria-expanded", "true");
      if (!phone) {
        // Space opens another; the legend names each colour.
        held.first().focus();
        page.keyboard().press("Space");
        assertThat(held.first()).hasAttribute("aria-expanded", "true");
        assertThat(held.last()).hasAttribute("aria-expanded", "false");
      }
      assertThat(page.locator(".legend")).containsText("held / overdue");
      assertThat(page.locator(".legend")).containsText("not run");
      assertThat(page.locator(".legend")).containsText("missed / skipped");
      checked(page);
    }
  }

  @Test
  void the_timeline_details_name_an_execution_s_outcome_and_link_to_it() {
    var org = fixtures.tenant();
    try (Sink sink = Sink.start()) {
      String id = viaApi(org.key(), "ran once", sink.url("/ran"), "0s");
      sink.awaitCount(1, Duration.ofSeconds(20));
      Page page = signedIn(org.id(), true);
      page.navigate(api.base() + "/jobs/" + id);
      Locator entry = page.locator(".timeline button.tl.succeeded");
      assertThat(entry)
          .hasCount(
              1,
              new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                  .setTimeout(15_000));
      entry.tap();
      Locator panel = page.locator("#tl-panel");
      assertThat(panel.locator(".badge")).hasText("succeeded");
      assertThat(panel).containsText("success");
      panel.getByText("Open the execution").tap();
      assertThat(page.locator("h1")).containsText("Attempt 1 of");
    }
  }

  @Test
  void a_job_is_created_with_the_keyboard_alone() {
    var org = fixtures.tenant();
    BrowserContext context =
        Chromium.browser()
            .newContext(
                new Browser.NewContextOptions()
                    .setViewportSize(1280, 860)
                    .setLocale("en-GB")
                    .setTimezoneId("Europe/Oslo"));
    Page page = signedIn(org.id(), context);
    page.navigate(api.base() + "/jobs/new");
    tabTo(page, "#name");
    page.keyboard().type("Typed, not clicked");
    tabTo(page, "button[data-cron='0 * * * *']");
    page.keyboard().press("Enter");
    assertThat(page.locator("#cron")).hasValue("0 * * * *");
    assertThat(page.locator("#cron-preview")).containsText("Every hour");
    assertThat(page.locator("#timezone")).hasValue("Europe/Oslo");
    tabTo(page, "#url");
    page.keyboard().type("https://example.com/keyboard");
    page.keyboard().press("Enter");
    assertThat(page.locator("h1")).containsText("Typed, not clicked");
    assertThat(page.locator(".flash")).containsText("Created");
    assertThat(page.locator("body")).containsText("Europe/Oslo");
  }

  /** Presses Tab until {@code selector} has the focus (a keyboard user's way there). */
  private static void tabTo(Page page, String selector) {
    for (int i = 0; i < 80; i++) {
      page.keyboard().press("Tab");
      if ((Boolean) page.evaluate("s => document.activeElement.matches(s)", selector)) {
        return;
      }
    }
    throw new AssertionError("Tab never reached " + selector);
  }

  @Test
  void the_form_helps_with_the_method_the_zone_one_time_picks_the_tier_and_its_errors() {
    var org = fixtures.tenant(eu.runlater.organizations.Tier.FREE);
    Job existing = cron(org.id(), "To edit", "https://example.com/edit", "0 9 * * 1");
    for (boolean phone : List.of(false, true)) {
      BrowserContext context =
          Chromium.browser()
              .newContext(
                  new Browser.NewContextOptions()
                      .setViewportSize(phone ? 390 : 1280, phone ? 844 : 860)
                      .setIsMobile(phone)
                      .setHasTouch(phone)
                      .setLocale("en-GB")
                      .setTimezoneId("Europe/Oslo"));
      Page page = signedIn(org.id(), context);
      page.navigate(api.base() + "/jobs/new");
      checked(page);
      assertThat(page.locator("#timezone")).hasValue("Europe/Oslo");

      // "Weekly, Monday 09:00" reads as people say it.
      page.getByText("Weekly, Monday 09:00").click();
      assertThat(page.locator("#cron-preview strong")).hasText("At 09:00 on Monday");

      // The free tier's shortest interval is checked as you type, with the rule saving applies.
      page.locator("#cron").fill("");
      page.locator("#cron").pressSequentially("*/5 * * * *");
      assertThat(page.locator("#cron-preview .field-error"))
          .containsText("the free tier allows at most one run every");

      // The zone finds "oslo" and does not scold while typing.
      page.locator("#timezone").fill("");
      page.locator("#timezone").pressSequentially("osl");
      assertThat(page.locator("#cron-preview")).containsText("not a time zone yet");
      assertThat(page.locator("#cron-preview .field-error")).not().containsText("Time zone");
      page.locator("#timezone").pressSequentially("o");
      page.locator("#timezone").blur();
      assertThat(page.locator("#timezone")).hasValue("Europe/Oslo");

      // A body typed into a GET job makes it a POST, and says so.
      assertThat(page.locator("#method")).hasValue("GET");
      page.locator("#body").fill("{\"a\": 1}");
      assertThat(page.locator("#method")).hasValue("POST");
      assertThat(page.locator("#method-note")).containsText("now POST");

      // One-time quick picks, echoed in local words.
      page.getByLabel("Once").check();
      page.getByText("In 5 min").click();
      assertThat(page.locator("#at")).not().hasValue("");
      assertThat(page.locator("#at-echo")).containsText("Runs ");
      assertThat(page.locator("#at-echo")).containsText("in 5 minutes");
      assertThat(page.locator("#at-echo")).containsText("Europe/Oslo");
      page.getByText("Tomorrow 09:00").click();
      assertThat(page.locator("#at")).hasValue(java.util.regex.Pattern.compile("T09:00$"));
      assertThat(page.locator("#at-echo")).containsText("09:00");

      // A failed submit: each error tied to its field, and the first such field focused.
      page.locator("#name").fill("");
      page.getByText("Create job").click();
      assertThat(page.locator(".flash.error")).containsText("not saved");
      assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
      assertThat(page.locator("#name")).hasAttribute("aria-describedby", "name-error");
      assertThat(page.locator("#name-error")).isVisible();
      assertThat(page.locator("#name")).isFocused();
      checked(page);

      page.navigate(api.base() + "/jobs/" + existing.id() + "/edit");
      assertThat(page.locator("#timezone")).hasValue("UTC");
      checked(page);
      page.navigate(api.base() + "/jobs/" + existing.id());
      checked(page);
    }
  }
}
