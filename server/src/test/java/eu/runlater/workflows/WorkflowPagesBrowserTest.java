package eu.runlater.workflows;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The workflow pages in the system Chromium: the list, a workflow (its steps in layers, its JSON
 * with the secret header masked, the start form with the API's 422 inline), and a run's waterfall
 * that fills in live as steps finish — a sleep shown as a wait, a skipped branch with its reason,
 * the condition's decision, the request sent with its secret masked — then a failed run retried
 * from its failed step and a waiting run cancelled; another organization finds none of it. One
 * signed-in browser per size for the class. Each page passes axe and fits a desktop and a phone;
 * photographed into docs/screenshots when the run asks ({@code -Drunlater.screenshots=…}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowPagesBrowserTest extends ServerTest {
  private static final LocatorAssertions.HasAttributeOptions LIVE =
      new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);

  private Sink target;
  private final AtomicBoolean flakyUp = new AtomicBoolean(false);
  // Requests to /hold wait for a permit: a step in flight for as long as a test needs.
  private final java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);
  private Fixtures.Tenant tenant;
  private Fixtures.TestUser member;
  private BrowserContext desktop;
  private BrowserContext phone;
  private Page page;
  private Page phonePage;

  @BeforeAll
  void seed() {
    target =
        Sink.start()
            .respond(
                r ->
                    r.path().equals("/hold") && !hold()
                        ? Sink.Reply.status(500)
                        : r.path().startsWith("/flaky") && !flakyUp.get()
                            ? Sink.Reply.status(500)
                            : Sink.Reply.status(200)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                    "{\"ok\": true, \"path\": \"%s\"}"
                                        .formatted(r.path())
                                        .getBytes(StandardCharsets.UTF_8)));
    tenant = fixtures.tenant();
    member = fixtures.user(tenant.id(), Role.MEMBER);
    api = new Api(port);
    define(
        """
        {"key": "onboarding", "name": "Customer onboarding",
         "input_schema": {"type": "object", "required": ["email"],
                          "properties": {"email": {"type": "string"}}},
         "steps": [
          {"name": "fetch", "kind": "http", "url": "%s"},
          {"name": "pause", "kind": "sleep", "duration": "4s", "depends_on": ["fetch"]},
          {"name": "route", "kind": "condition", "expression": "input.plan == 'pro'",
           "then": ["upgrade"], "else": ["basic"], "depends_on": ["pause"]},
          {"name": "upgrade", "kind": "http", "method": "POST", "url": "%s", "depends_on": ["route"]},
          {"name": "basic", "kind": "http", "method": "POST", "url": "%s", "depends_on": ["route"]},
          {"name": "welcome", "kind": "http", "method": "POST", "url": "%s",
           "headers": {"Authorization": "Bearer s3cret-token"},
           "body": {"email": "{{ input.email }}"},
           "depends_on": ["upgrade", "basic"], "join": "any"}
         ]}
        """
            .formatted(
                target.url("/accounts"),
                target.url("/upgrade"),
                target.url("/basic"),
                target.url("/welcome")));
    define(
        """
        {"key": "payout", "name": "Partner payout", "steps": [
          {"name": "ledger", "kind": "http", "url": "%s"},
          {"name": "pay", "kind": "http", "method": "POST", "url": "%s", "retries": 0,
           "depends_on": ["ledger"]}
        ]}
        """
            .formatted(target.url("/ledger"), target.url("/flaky/pay")));
    define(
        """
        {"key": "reminder", "name": "Renewal reminder", "steps": [
          {"name": "later", "kind": "sleep", "duration": "1h"},
          {"name": "remind", "kind": "http", "url": "%s", "depends_on": ["later"]}
        ]}
        """
            .formatted(target.url("/remind")));
    desktop = Chromium.context();
    phone = Chromium.phone();
    Chromium.signIn(desktop, api.base(), member.email());
    Chromium.signIn(phone, api.base(), member.email());
    page = Chromium.page(desktop);
    phonePage = Chromium.page(phone);
    // The machine runs other suites beside this one: a page may take longer than the default.
    page.setDefaultNavigationTimeout(60_000);
    phonePage.setDefaultNavigationTimeout(60_000);
  }

  @AfterAll
  void close() {
    desktop.close();
    phone.close();
    target.close();
  }

  private void define(String doc) {
    var r = api.post("/api/v1/workflows", tenant.key(), doc);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private String startRun(String key) {
    var r = api.post("/api/v1/workflows/" + key + "/runs", tenant.key(), "{}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  /** The page passes axe and fits, on a desktop and on a phone; photographed if asked. */
  private void checked(String name, String path) {
    page.waitForLoadState();
    assertThat(Axe.serious(page)).as(name + " desktop axe").isEmpty();
    assertThat(Layout.overflowing(page)).as(name + " desktop layout").isEmpty();
    Screenshots.take(page, name + "-desktop");
    phonePage.navigate(api.base() + path);
    assertThat(phonePage.locator("main h1")).isVisible();
    phonePage.waitForLoadState();
    assertThat(Axe.serious(phonePage)).as(name + " phone axe").isEmpty();
    assertThat(Layout.overflowing(phonePage)).as(name + " phone layout").isEmpty();
    Screenshots.take(phonePage, name + "-phone");
  }

  private Locator step(String name) {
    return page.locator(".wf-row[data-step='" + name + "']");
  }

  @Test
  void from_the_list_a_run_starts_and_its_waterfall_fills_in_live() throws Exception {
    page.navigate(api.base() + "/workflows");
    assertThat(page.locator("nav.main-nav a[aria-current=page]")).hasText("Workflows");
    Locator row = page.locator("tr[data-workflow=onboarding]");
    assertThat(row).containsText("Customer onboarding");
    assertThat(row.locator("td[data-label=Steps]")).hasText("6");
    assertThat(row.locator(".run-counts")).hasText("none");

    row.locator("a.wf-name").click();
    assertThat(page.locator("main h1")).hasText("Customer onboarding");
    // The steps in layers: fetch first, then the sleep, the condition, its two branches, the join.
    Locator layers = page.locator(".wf-layer");
    assertThat(layers).hasCount(5);
    assertThat(layers.first().locator(".wf-step")).hasCount(1);
    assertThat(layers.nth(3).locator(".wf-step")).hasCount(2);
    assertThat(page.locator(".wf-step[data-step=welcome]"))
        .containsText("after any of upgrade, basic");
    assertThat(page.locator(".wf-step[data-step=route]")).containsText("if input.plan == 'pro'");
    page.locator(".wf-json summary").click();
    assertThat(page.locator(".wf-json pre")).containsText("Authorization");
    assertThat(page.locator(".wf-json pre")).containsText("••••••");
    assertThat(page.locator(".wf-json pre")).not().containsText("s3cret");

    // Bad input: the API's 422 beside the form, the input kept; nothing started.
    page.locator("#run-input").fill("{\"plan\": \"pro\"}");
    page.locator("#start button[type=submit]").click();
    assertThat(page.locator("#run-input-errors")).containsText("email");
    assertThat(page.locator("#run-input")).hasValue("{\"plan\": \"pro\"}");
    assertThat(page.locator("#run-input")).hasAttribute("aria-invalid", "true");
    checked("workflow", "/workflows/onboarding");
    page.locator("#run-input").fill("{plan");
    page.locator("#start button[type=submit]").click();
    assertThat(page.locator("#run-input-errors")).containsText("is not JSON");
    assertThat(api.get("/api/v1/workflows/onboarding/runs", tenant.key()).json().get("data"))
        .isEmpty();

    page.locator("#run-input").fill("{\"email\": \"ada@example.com\", \"plan\": \"pro\"}");
    page.locator("#start button[type=submit]").click();
    page.waitForURL(url -> url.contains("/workflow-runs/"));
    assertThat(page.locator(".flash")).containsText("Started a run");
    // Started from the dashboard: the run names who pressed Start.
    assertThat(page.locator(".started-by")).hasAttribute("data-kind", "user");
    assertThat(page.locator(".started-by")).containsText("on the dashboard");
    // The sleep shows as a wait with its wake time while it sleeps; the page is not reloaded
    // from here on: what follows arrives over the live stream.
    assertThat(step("pause")).hasAttribute("data-state", "waiting", LIVE);
    assertThat(step("pause").locator(".wf-wake")).containsText("wakes in");
    assertThat(step("pause").locator(".wf-bar.waiting")).isVisible();
    assertThat(page.locator("#cancel-run")).isVisible();
    // A row opened while the run goes stays open as the waterfall re-renders.
    step("fetch").locator("summary").click();
    assertThat(step("welcome")).hasAttribute("data-state", "succeeded", LIVE);
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "succeeded", LIVE);
    assertThat(page.locator("#cancel-run")).hasCount(0);
    assertThat(step("fetch").locator("details")).hasAttribute("open", "");
    assertThat(step("fetch")).hasAttribute("data-state", "succeeded");
    assertThat(step("fetch").locator(".wf-attempts")).hasText("1 attempt");
    assertThat(step("upgrade")).hasAttribute("data-state", "succeeded");
    assertThat(step("basic")).hasAttribute("data-state", "skipped");
    assertThat(step("basic").locator(".wf-bar.skipped")).hasCount(1);

    // Expanded: the condition's decision, the skip's reason, the request as sent (masked).
    step("route").locator("summary").click();
    Locator route = step("route").locator(".wf-detail");
    assertThat(route).containsText("input.plan == 'pro'");
    assertThat(route).containsText("Chose");
    assertThat(route).containsText("upgrade");
    step("basic").locator("summary").click();
    assertThat(step("basic").locator(".wf-detail")).containsText("route chose the other branch");
    step("welcome").locator("summary").click();
    Locator welcome = step("welcome").locator(".wf-detail");
    assertThat(welcome).containsText("POST " + target.url("/welcome"));
    assertThat(welcome.locator("table.headers")).containsText("••••••");
    assertThat(welcome).not().containsText("s3cret");
    assertThat(welcome).containsText("ada@example.com");
    assertThat(welcome.locator(".wf-output")).containsText("\"path\"");
    assertThat(welcome.locator("a[href^='/executions/']")).isVisible();
    checked("workflow-run", new java.net.URI(page.url()).getPath());
    // The history knows the step's owner: its execution page leads back to the run.
    String runPath = new java.net.URI(page.url()).getPath();
    welcome.locator("a[href^='/executions/']").click();
    assertThat(page.locator("main")).containsText("Workflow: Customer onboarding → step welcome");
    // Its breadcrumb is the workflow's trail, not the jobs'.
    assertThat(page.locator(".crumbs")).containsText("Workflows / Customer onboarding / run ");
    assertThat(page.locator(".crumbs")).containsText(" / step welcome");
    assertThat(page.locator(".crumbs a[href='/workflows/onboarding']")).isVisible();
    assertThat(page.locator(".crumbs a[href='/jobs']")).hasCount(0);
    assertThat(page.locator("main a[href='" + runPath + "']").first()).isVisible();

    page.navigate(api.base() + "/workflows");
    assertThat(row.locator(".run-counts .badge.succeeded")).hasText("1 succeeded");
    assertThat(row.locator("td[data-label='Last run'] .badge")).hasText("succeeded");
    checked("workflows", "/workflows");
  }

  @Test
  void a_failed_run_is_retried_from_its_failed_step_and_a_waiting_run_is_cancelled() {
    String failed = startRun("payout");
    Sink.await(
        Duration.ofSeconds(30),
        "the payout run fails",
        () ->
            api.get("/api/v1/workflow-runs/" + failed, tenant.key())
                .json()
                .get("state")
                .asString()
                .equals("failed"));
    page.navigate(api.base() + "/workflows/payout?state=failed");
    assertThat(page.locator("table.wf-runs tbody tr")).hasCount(1);
    page.locator("table.wf-runs tbody tr a").click();
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "failed");
    assertThat(page.locator(".run-error")).containsText("step pay failed: HTTP 500");
    assertThat(step("ledger")).hasAttribute("data-state", "succeeded");
    assertThat(step("pay")).hasAttribute("data-state", "failed");
    int ledgerCalls = count("/ledger");

    flakyUp.set(true);
    page.locator("#retry-run").click();
    assertThat(page.locator(".flash")).containsText("Retrying from where it stopped");
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "succeeded", LIVE);
    assertThat(step("pay").locator(".wf-attempts")).hasText("2 attempts");
    // The succeeded step kept its output: it was not called again.
    assertThat(count("/ledger")).isEqualTo(ledgerCalls);

    String waiting = startRun("reminder");
    page.navigate(api.base() + "/workflow-runs/" + waiting);
    assertThat(step("later")).hasAttribute("data-state", "waiting");
    // Started by API: the key's name, linked to the keys, and its public part.
    assertThat(page.locator(".started-by")).containsText("API key test key");
    assertThat(page.locator(".started-by a[href='/settings/api-keys']")).isVisible();
    assertThat(page.locator(".started-by code")).containsText("pk_live_");
    page.locator("#cancel-run").click();
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "cancelled");
    assertThat(step("later")).hasAttribute("data-state", "cancelled");
    assertThat(step("remind")).hasAttribute("data-state", "cancelled");
    assertThat(page.locator("#retry-run")).isVisible();
  }

  @Test
  void another_organization_sees_none_of_it_and_the_live_part_renders_alone() {
    String run = startRun("reminder");
    Fixtures.Tenant other = fixtures.tenant();
    eu.runlater.support.Browser stranger = signIn(fixtures.user(other.id(), Role.OWNER));
    assertThat(stranger.get("/workflows").body()).contains("No workflows yet");
    assertThat(stranger.get("/workflows/reminder").status()).isEqualTo(404);
    assertThat(stranger.get("/workflow-runs/" + run).status()).isEqualTo(404);
    assertThat(stranger.get("/workflow-runs/" + run + "/waterfall").status()).isEqualTo(404);
    assertThat(stranger.post("/workflow-runs/" + run + "/cancel", java.util.Map.of()).status())
        .isEqualTo(404);
    assertThat(api.get("/api/v1/workflow-runs/" + run, tenant.key()).json().get("state").asString())
        .isEqualTo("running");

    var fragment = signIn(member).htmx("/workflow-runs/" + run + "/waterfall");
    assertThat(fragment.status()).isEqualTo(200);
    assertThat(fragment.body()).startsWith("<div id=\"waterfall\"").doesNotContain("<html");
    assertThat(fragment.body()).contains("hx-trigger=\"sse:executions throttle:1s\"");
  }

  @Test
  void a_queued_run_and_a_cancelling_one_show_their_state_and_move_on_live() {
    define(
        """
        {"key": "one_at_a_time", "name": "One at a time", "concurrency": {"limit": 1},
         "steps": [{"name": "hold", "kind": "http", "url": "%s"}]}"""
            .formatted(target.url("/hold")));
    String first = startRun("one_at_a_time");
    String second = startRun("one_at_a_time");
    Sink.await(Duration.ofSeconds(30), "the first run's request", () -> count("/hold") >= 1);

    page.navigate(api.base() + "/workflow-runs/" + second);
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "queued");
    assertThat(page.locator(".badge.queued").first()).hasText("queued");
    assertThat(step("hold")).hasAttribute("data-state", "pending");
    assertThat(page.locator("#cancel-run")).isVisible();
    checked("workflow-run-queued", "/workflow-runs/" + second);

    page.navigate(api.base() + "/workflow-runs/" + first);
    page.locator("#cancel-run").click();
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "cancelling");
    assertThat(step("hold")).hasAttribute("data-state", "running");
    checked("workflow-run-cancelling", "/workflow-runs/" + first);

    held.release(2); // the request in flight ends the cancel; the queued run starts and runs
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "cancelled", LIVE);
    assertThat(step("hold")).hasAttribute("data-state", "succeeded");
    page.navigate(api.base() + "/workflow-runs/" + second);
    assertThat(page.locator("#waterfall")).hasAttribute("data-state", "succeeded", LIVE);
  }

  private boolean hold() {
    try {
      return held.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int count(String path) {
    return (int) target.received().stream().filter(r -> r.path().equals(path)).count();
  }
}
