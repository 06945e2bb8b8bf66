package eu.runlater.jobs;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import eu.runlater.organizations.Role;
import eu.runlater.support.Chromium;
import eu.runlater.support.Profiles;
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import java.net.HttpCookie;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The job form's scripts in the system Chromium: quick picks fill the cron field, the preview
 * follows what is typed, the schedule kind shows its own fields; and the pages fit a phone.
 */
class JobPagesBrowserTest extends ServerTest {

  @Autowired JobCommands jobs;
  @Autowired JobReads reads;
  @Autowired JobValidator validator;
  @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

  // Profiles from the JVM's one Chromium (support.Chromium), closed after each test: a browser and
  // a Playwright driver launched for each test cost more than the test's pages.
  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  /** A page signed in as a new member of {@code org}, the size of a phone when asked. */
  private Page page(java.util.UUID org, boolean phone) {
    var signedIn = signIn(fixtures.user(org, Role.MEMBER));
    BrowserContext context =
        profiles.signedOut(
            () ->
                Chromium.browser()
                    .newContext(
                        new Browser.NewContextOptions()
                            .setViewportSize(phone ? 390 : 1280, phone ? 844 : 900)));
    for (HttpCookie c : signedIn.cookies().getCookieStore().getCookies()) {
      context.addCookies(
          List.of(new Cookie(c.getName(), c.getValue()).setDomain("localhost").setPath("/")));
    }
    Page page = context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  private String url(String path) {
    return "http://localhost:" + port + path;
  }

  @Test
  void quick_picks_and_typing_update_the_cron_preview_and_the_schedule_kind_shows_its_fields() {
    var org = fixtures.tenant();
    Page page = page(org.id(), false);
    page.navigate(url("/jobs/new"));
    page.getByText("Daily at 09:00").click();
    assertThat(page.locator("#cron")).hasValue("0 9 * * *");
    assertThat(page.locator("#cron-preview")).containsText("09:00");
    assertThat(page.locator("#cron-preview li")).hasCount(5);

    page.locator("#cron").fill("");
    page.locator("#cron").pressSequentially("99 * * * *");
    assertThat(page.locator("#cron-preview .field-error")).isVisible();

    assertThat(page.locator("#at")).isHidden();
    page.getByLabel("Once").check();
    assertThat(page.locator("#at")).isVisible();
    assertThat(page.locator("#cron")).isHidden();

    int rows = page.locator(".header-row").count();
    page.getByText("Add header").click();
    assertThat(page.locator(".header-row")).hasCount(rows + 1);
    page.locator("[data-remove-row]").first().click();
    assertThat(page.locator(".header-row")).hasCount(rows);
    Screenshots.take(JobPagesBrowserTest.class, page, "job-form");
  }

  @Test
  void a_job_is_created_from_the_form_in_the_browser() {
    var org = fixtures.tenant();
    Page page = page(org.id(), false);
    page.navigate(url("/jobs/new"));
    page.locator("#name").fill("From the browser");
    page.getByText("Hourly").click();
    page.locator("#url").fill("https://example.com/browser");
    page.locator("#body").fill("{\"a\": 1");
    assertThat(page.locator("#body-check")).containsText("is not valid JSON");
    page.locator("#body").fill("{\"a\": 1}");
    assertThat(page.locator("#body-check")).containsText("Valid JSON");
    page.locator("#method").selectOption("POST");
    page.getByText("Create job").click();
    assertThat(page.locator("h1")).containsText("From the browser");
    assertThat(page.locator(".flash")).containsText("Created");
  }

  @Test
  void the_list_and_detail_fit_a_phone() {
    var org = fixtures.tenant();
    Page page = page(org.id(), true);
    page.navigate(url("/jobs"));
    Screenshots.take(JobPagesBrowserTest.class, page, "jobs-empty-phone");
    for (int i = 0; i < 3; i++) {
      JobInput input =
          new JobInput(
              "Phone job " + i,
              null,
              "https://example.com/a-rather-long-path/that/goes/on/" + i,
              "POST",
              new java.util.LinkedHashMap<>(Map.of("Authorization", "Bearer x")),
              null,
              null,
              null,
              null,
              null,
              new JobInput.ScheduleInput("cron", null, null, "0 9 * * 1-5", "Europe/Oslo"),
              true,
              null,
              null,
              null);
      jobs.create(org.id(), validator.validate(input, Instant.now()));
    }
    page.navigate(url("/jobs"));
    Screenshots.take(JobPagesBrowserTest.class, page, "jobs-phone");
    // The page itself does not scroll sideways; the table does, inside its wrapper.
    assertThat(overflowing(page)).isEmpty();
    page.locator("a.job-name").first().click();
    assertThat(page.locator("h1")).containsText("Phone job");
    Screenshots.take(JobPagesBrowserTest.class, page, "job-phone");
    assertThat(overflowing(page)).isEmpty();
    page.navigate(url("/jobs/new"));
    Screenshots.take(JobPagesBrowserTest.class, page, "job-form-phone");
    assertThat(overflowing(page)).isEmpty();
  }

  @Test
  void a_workflow_target_shows_on_the_job_page_and_the_form_keeps_it_on_desktop_and_phone() {
    var org = fixtures.tenant();
    var workflow =
        api.post(
            "/api/v1/workflows",
            org.key(),
            """
            {"key": "nightly", "steps": [{"name": "a", "kind": "http",
                                          "url": "https://example.com/a"}]}""");
    assertThat(workflow.status()).as(workflow.body()).isEqualTo(201);
    var created =
        api.post(
            "/api/v1/jobs",
            org.key(),
            """
            {"name": "Nightly workflow", "workflow": {"key": "nightly", "input": {"customer": "acme"}},
             "schedule": {"type": "cron", "expression": "0 9 * * *"}}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();

    for (boolean phone : List.of(false, true)) {
      Page page = page(org.id(), phone);
      page.navigate(url("/jobs/" + id));
      assertThat(page.locator("h1")).containsText("Nightly workflow");
      assertThat(page.locator(".request-line")).containsText("Starts a run of workflow nightly");
      assertThat(page.locator(".request-line a[href='/workflows/nightly']")).isVisible();
      assertThat(page.locator("h3:has-text('Input') + pre")).containsText("acme");
      assertThat(overflowing(page)).as(phone ? "phone" : "desktop").isEmpty();
      Screenshots.take(
          JobPagesBrowserTest.class, page, "job-workflow-" + (phone ? "phone" : "desktop"));

      // The form shows the target as the workflow chosen, with its input (the request's fields
      // hidden), and saving it keeps the workflow target.
      page.navigate(url("/jobs/" + id + "/edit"));
      assertThat(page.locator("input[name=target][value=workflow]")).isChecked();
      assertThat(page.locator("#workflowKey")).hasValue("nightly");
      assertThat(page.locator("#workflowInput")).containsText("acme");
      assertThat(page.locator("#url")).isHidden();
      assertThat(overflowing(page)).as(phone ? "phone form" : "desktop form").isEmpty();
      Screenshots.take(
          JobPagesBrowserTest.class, page, "job-workflow-form-" + (phone ? "phone" : "desktop"));
      page.getByRole(
              com.microsoft.playwright.options.AriaRole.BUTTON,
              new Page.GetByRoleOptions().setName("Save"))
          .click();
      assertThat(page.locator(".flash")).containsText("Saved");
      assertThat(page.locator(".request-line")).containsText("Starts a run of workflow nightly");
    }
    var job = api.get("/api/v1/jobs/" + id, org.key()).json();
    assertThat(job.get("workflow").get("key").asString()).isEqualTo("nightly");
    assertThat(job.get("workflow").get("input").get("customer").asString()).isEqualTo("acme");
    assertThat(job.get("url").isNull()).isTrue();
  }

  @Test
  void the_detail_page_draws_the_success_chart_and_the_planned_versus_actual_strip() {
    var org = fixtures.tenant();
    JobInput input =
        new JobInput(
            "Every ten minutes",
            null,
            "https://example.com/ten",
            "GET",
            null,
            null,
            null,
            null,
            null,
            null,
            new JobInput.ScheduleInput("cron", null, null, "*/10 * * * *", "UTC"),
            true,
            null,
            null,
            null);
    Job job = jobs.create(org.id(), validator.validate(input, Instant.now()));
    // Attempts as the engine records them, one per planned time over the past few hours.
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    for (int i = 1; i <= 12; i++) {
      Instant planned =
          now.minus(java.time.Duration.ofMinutes(10L * i))
              .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
              .plus(java.time.Duration.ofMinutes(10L * (i % 6)));
      Instant created = now.plusMillis(i);
      jdbc.sql(
              """
              INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                      source_id, attempt, status, final, scheduled_for, due_at,
                                      started_at, finished_at, duration_us, status_code,
                                      request_url, request_method, request_headers,
                                      response_headers, response_body)
              VALUES (:id, :created, :org, :task, 'job', :job, 1, :status, true, :planned,
                      :planned, :created, :created, :us, :code, 'https://example.com/ten', 'GET',
                      '[["X-Plain","yes"]]'::jsonb, '[["Content-Type","application/json"]]'::jsonb,
                      convert_to('{"ok":true,"n":[1,2,3]}', 'UTF8'))
              """)
          .param("id", eu.runlater.engine.Ids.v7(created))
          .param("created", eu.runlater.engine.SqlTime.ts(created))
          .param("org", org.id())
          .param("task", java.util.UUID.randomUUID())
          .param("job", job.id())
          .param("status", i % 5 == 0 ? "failed" : "success")
          .param("code", i % 5 == 0 ? 502 : 200)
          .param("planned", eu.runlater.engine.SqlTime.ts(planned))
          .param("us", 40_000L + 9_000L * i)
          .update();
    }
    Page page = page(org.id(), false);
    page.navigate(url("/jobs/" + job.id()));
    assertThat(page.locator(".rate-day")).hasCount(30);
    assertThat(page.locator(".rate-bar")).hasCount(1);
    assertThat(page.locator(".timeline .tl").first()).isVisible();
    Screenshots.take(JobPagesBrowserTest.class, page, "job-detail");
    page.locator("#history + .table-wrap a").first().click();
    assertThat(page.locator("h1")).containsText("Attempt 1 of");
    assertThat(page.locator("pre").last()).containsText("\"n\" : [ 1, 2, 3 ]");
    Screenshots.take(JobPagesBrowserTest.class, page, "execution");
    page.navigate(url("/jobs"));
    assertThat(page.locator(".jobs-table .dot.success")).hasCount(1);
    Screenshots.take(JobPagesBrowserTest.class, page, "jobs");
    page.navigate(url("/jobs/" + job.id() + "/edit"));
    page.locator("#cron").fill("61 * * * *");
    page.getByText("Save").click();
    assertThat(page.locator(".flash.error")).containsText("not saved");
    Screenshots.take(JobPagesBrowserTest.class, page, "job-form-errors");
  }

  /** Elements that stick out of the viewport's width (none, when the page fits). */
  @SuppressWarnings("unchecked")
  private static List<String> overflowing(Page page) {
    return (List<String>)
        page.evaluate(
            """
            () => {
              if (document.documentElement.scrollWidth <= window.innerWidth) return [];
              return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className + ' '
                  + Math.round(e.getBoundingClientRect().right))
                .slice(0, 10);
            }
            """);
  }
}
