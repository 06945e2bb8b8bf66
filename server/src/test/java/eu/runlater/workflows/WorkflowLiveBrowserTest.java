package eu.runlater.workflows;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import eu.runlater.organizations.Role;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Changes that run no execution reach pages already open, in a real browser: an approval decided,
 * an event that resumes a step and a run cancelled — each through the API alone — update a run's
 * page and the approvals inbox without a reload.
 */
class WorkflowLiveBrowserTest extends WorkflowApiTest {
  private static final LocatorAssertions.HasAttributeOptions SOON =
      new LocatorAssertions.HasAttributeOptions().setTimeout(15_000);

  private BrowserContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void a_decision_an_event_and_a_cancel_through_the_api_update_open_pages() {
    TestUser alice = fixtures.user(t.id(), Role.MEMBER);
    // No http step anywhere: nothing these runs do is an execution.
    define(
        "sign",
        WorkflowApprovalsTest.approval(
            "ok", "\"assignees\": {\"users\": [\"%s\"]}".formatted(alice.email())));
    define(
        "waits",
        "{\"name\": \"paid\", \"kind\": \"wait_for_event\", \"event\": \"order.paid\","
            + " \"timeout\": \"1h\"}");
    String approved = startRun("sign", "{}");
    String cancelled = startRun("sign", "{}");
    String resumed = startRun("waits", "{}");

    context = Chromium.context();
    Chromium.signIn(context, api.base(), alice.email());
    Page approvedPage = Chromium.page(context);
    approvedPage.navigate(api.base() + "/workflow-runs/" + approved);
    Page resumedPage = Chromium.page(context);
    resumedPage.navigate(api.base() + "/workflow-runs/" + resumed);
    Page inbox = Chromium.page(context);
    inbox.navigate(api.base() + "/workflows/approvals");
    assertThat(inbox.locator("#approvals article")).hasCount(2);
    for (Page p : new Page[] {approvedPage, resumedPage, inbox}) {
      p.evaluate("window.__stillHere = true");
    }
    assertThat(approvedPage.locator("#waterfall")).hasAttribute("data-state", "running");

    var decided =
        api.post(
            "/api/v1/workflow-runs/" + approved + "/steps/ok/approve",
            t.key(),
            WorkflowApprovalsTest.by(alice, "yes"));
    assertThat(decided.status()).as(decided.body()).isEqualTo(200);
    assertThat(approvedPage.locator("#waterfall")).hasAttribute("data-state", "succeeded", SOON);

    event("order.paid", "{\"order\": 7}");
    assertThat(resumedPage.locator("#waterfall")).hasAttribute("data-state", "succeeded", SOON);

    var cancel = api.post("/api/v1/workflow-runs/" + cancelled + "/cancel", t.key(), "");
    assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
    assertThat(inbox.locator("#approvals article"))
        .hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(15_000));

    for (Page p : new Page[] {approvedPage, resumedPage, inbox}) {
      assertThat(p.evaluate("window.__stillHere")).isEqualTo(true);
    }
  }
}
