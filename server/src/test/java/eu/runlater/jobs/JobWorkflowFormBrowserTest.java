package eu.runlater.jobs;

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
import eu.runlater.support.Screenshots;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The job form's workflow target in the system Chromium, on a desktop and a phone: choosing
 * "Workflow" shows its fields and hides the request's; a bad input is shown beside its field and
 * saves nothing; the saved job's "Run now" starts a run of the workflow (its step reaching a real
 * receiver); editing keeps the workflow, and the job switches to an HTTP request and back.
 */
class JobWorkflowFormBrowserTest extends ServerTest {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private Sink receiver;
  private Fixtures.Tenant org;

  @BeforeEach
  void workflow() {
    receiver = Sink.start();
    org = fixtures.tenant();
    var created =
        api.post(
            "/api/v1/workflows",
            org.key(),
            """
            {"key": "nightly", "name": "Nightly report",
             "input_schema": {"type": "object", "required": ["customer"]},
             "steps": [{"name": "report", "kind": "http", "method": "POST", "url": "%s",
                        "body": {"for": "{{ input.customer }}"}}]}"""
                .formatted(receiver.url("/report")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private Page page(Supplier<BrowserContext> device) {
    BrowserContext context = device.get();
    Chromium.signIn(context, api.base(), fixtures.user(org.id(), Role.MEMBER).email());
    return Chromium.page(context);
  }

  private List<JsonNode> runs() {
    List<JsonNode> list = new java.util.ArrayList<>();
    api.get("/api/v1/workflows/nightly/runs", org.key()).json().get("data").forEach(list::add);
    return list;
  }

  private long jobCount() {
    return api.get("/api/v1/jobs", org.key()).json().get("data").size();
  }

  private static void save(Page page, String label) {
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(label).setExact(true))
        .click();
  }

  @Test
  void on_a_desktop() {
    chooseSaveRunEditAndSwitch(Chromium::context, "desktop");
  }

  @Test
  void on_a_phone() {
    chooseSaveRunEditAndSwitch(Chromium::phone, "phone");
  }

  private void chooseSaveRunEditAndSwitch(Supplier<BrowserContext> device, String width) {
    Page page = page(device);
    try {
      page.navigate(api.base() + "/jobs/new");
      assertThat(page.locator("#url")).isVisible();
      assertThat(page.locator("#workflowKey")).isHidden();
      page.locator("#name").fill("Nightly for acme");
      page.getByText("Daily at 09:00").click();
      page.locator("input[name=target][value=workflow]").check();
      assertThat(page.locator("#workflowKey")).isVisible();
      assertThat(page.locator("#url")).isHidden();
      page.locator("#workflowKey").selectOption("nightly");
      page.locator("#workflowInput").fill("{\"customer\": ");
      assertThat(Axe.serious(page)).isEmpty();
      assertThat(Layout.overflowing(page)).isEmpty();
      Screenshots.take(JobWorkflowFormBrowserTest.class, page, "workflow-chosen-" + width);

      // Not JSON, then JSON the workflow's schema refuses: each beside the input, nothing saved.
      save(page, "Create job");
      assertThat(page.locator("#workflow-input-error")).containsText("Input is not valid JSON");
      assertThat(page.locator("#workflowInput")).hasAttribute("aria-invalid", "true");
      assertThat(page.locator("#workflowKey")).isVisible();
      assertThat(page.locator("#workflowKey")).hasValue("nightly");
      assertThat(page.locator("#url")).isHidden();
      page.locator("#workflowInput").fill("{\"region\": \"eu\"}");
      save(page, "Create job");
      assertThat(page.locator("#workflow-input-error")).containsText("customer");
      assertThat(jobCount()).isZero();
      assertThat(Layout.overflowing(page)).isEmpty();
      Screenshots.take(JobWorkflowFormBrowserTest.class, page, "workflow-errors-" + width);

      page.locator("#workflowInput").fill("{\"customer\": \"acme\"}");
      save(page, "Create job");
      assertThat(page.locator(".flash")).containsText("Created");
      assertThat(page.locator(".request-line")).containsText("Nightly report");
      assertThat(page.locator(".request-line a[href='/workflows/nightly']")).isVisible();
      String jobPath = new java.net.URI(page.url()).getPath();

      // Run now: the job's occurrence starts a run, whose step reaches the receiver.
      save(page, "Run now");
      assertThat(page.locator(".flash")).containsText("Started a run");
      Sink.await(
          WITHIN,
          "a succeeded run of nightly",
          () -> runs().stream().anyMatch(r -> r.get("state").asString().equals("succeeded")));
      assertThat(runs()).hasSize(1);
      String run = runs().getFirst().get("id").asString();
      assertThat(api.get("/api/v1/workflow-runs/" + run, org.key()).json().get("input").toString())
          .isEqualTo("{\"customer\":\"acme\"}");
      assertThat(receiver.received()).hasSize(1);
      page.navigate(api.base() + jobPath);
      assertThat(page.locator("a[href='/workflow-runs/" + run + "']")).isVisible();

      // Editing keeps the workflow; switched to an HTTP request, then back.
      page.navigate(api.base() + jobPath + "/edit");
      assertThat(page.locator("input[name=target][value=workflow]")).isChecked();
      assertThat(page.locator("#workflowKey")).hasValue("nightly");
      assertThat(page.locator("#workflowInput")).hasValue(java.util.regex.Pattern.compile("acme"));
      page.locator("input[name=target][value=http]").check();
      assertThat(page.locator("#workflowKey")).isHidden();
      page.locator("#method").selectOption("POST");
      page.locator("#url").fill("https://example.com/plain");
      save(page, "Save");
      assertThat(page.locator(".flash")).containsText("Saved");
      assertThat(page.locator(".request-line")).containsText("POST https://example.com/plain");

      page.navigate(api.base() + jobPath + "/edit");
      assertThat(page.locator("input[name=target][value=http]")).isChecked();
      assertThat(page.locator("#workflowKey")).isHidden();
      page.locator("input[name=target][value=workflow]").check();
      page.locator("#workflowKey").selectOption("nightly");
      page.locator("#workflowInput").fill("{\"customer\": \"globex\"}");
      save(page, "Save");
      assertThat(page.locator(".flash")).containsText("Saved");
      assertThat(page.locator(".request-line")).containsText("Starts a run of workflow");
      JsonNode job =
          api.get("/api/v1/jobs/" + jobPath.substring("/jobs/".length()), org.key()).json();
      assertThat(job.get("workflow").get("input").get("customer").asString()).isEqualTo("globex");
      assertThat(job.get("url").isNull()).isTrue();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    } finally {
      page.context().close();
    }
  }
}
