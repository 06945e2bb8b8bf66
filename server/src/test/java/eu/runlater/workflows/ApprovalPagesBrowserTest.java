package eu.runlater.workflows;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures.TestUser;
import eu.runlater.support.Layout;
import eu.runlater.support.Screenshots;
import eu.runlater.testing.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The approvals inbox in a real browser: what waits for the member (and not what waits for others),
 * approving with a comment, a new approval appearing live, at a desktop and a phone size.
 */
class ApprovalPagesBrowserTest extends WorkflowApiTest {
  private BrowserContext desktop;
  private BrowserContext phone;

  @AfterEach
  void close() {
    for (BrowserContext c : new BrowserContext[] {desktop, phone}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void a_member_sees_what_waits_for_them_approves_with_a_comment_and_new_ones_appear_live() {
    TestUser alice = fixtures.user(t.id(), Role.MEMBER);
    TestUser other = fixtures.user(t.id(), Role.MEMBER);
    define(
        "refund",
        http("fetch", "/orders/{{ input.order }}", ""),
        ("{\"name\": \"manager\", \"kind\": \"approval\", \"depends_on\": [\"fetch\"],"
                + " \"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"2d\"}")
            .formatted(alice.email()));
    define(
        "elsewhere",
        ("{\"name\": \"theirs\", \"kind\": \"approval\", \"assignees\": {\"users\": [\"%s\"]}}")
            .formatted(other.email()));
    String first = startRun("refund", "{\"order\": 7, \"amount\": 120}");
    startRun("refund", "{\"order\": 8, \"amount\": 45}");
    startRun("elsewhere", "{}");
    Sink.await(WITHIN, "both approvals to wait", () -> inbox(alice).size() == 2);

    desktop = Chromium.context();
    Page page = Chromium.page(desktop);
    Chromium.signIn(desktop, api.base(), alice.email());
    page.navigate(api.base() + "/workflows/approvals");
    Locator cards = page.locator("#approvals article");
    assertThat(cards).hasCount(2);
    assertThat(page.locator("#approvals")).not().containsText("theirs");
    Axe.assertClean(page);
    Layout.assertFits(page);
    Screenshots.take(page, "approvals-desktop");

    Locator card = page.locator("#approval-" + first + "-manager");
    card.getByLabel("Comment (optional)").fill("a regular customer");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve")).click();
    assertThat(page.locator(".flash")).containsText("Approved “manager”");
    assertThat(cards).hasCount(1);
    var decided = steps(run(first)).get("manager");
    assertThat(decided.get("output").get("by").asString()).isEqualTo(alice.email());
    assertThat(decided.get("output").get("comment").asString()).isEqualTo("a regular customer");

    // A run that reaches its approval while the page is open shows without a reload.
    page.evaluate("window.__stillHere = true");
    startRun("refund", "{\"order\": 9, \"amount\": 10}");
    assertThat(cards).hasCount(2, new LocatorAssertions.HasCountOptions().setTimeout(15_000));
    assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);

    phone = Chromium.phone();
    Page small = Chromium.page(phone);
    Chromium.signIn(phone, api.base(), alice.email());
    small.navigate(api.base() + "/workflows/approvals");
    assertThat(small.locator("#approvals article")).hasCount(2);
    Axe.assertClean(small);
    Layout.assertFits(small);
    Screenshots.take(small, "approvals-phone");
    // Rejecting from the phone; the run fails with the comment as its reason.
    Locator last = small.locator("#approvals article").first();
    last.getByLabel("Comment (optional)").fill("too late");
    last.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Reject")).click();
    assertThat(small.locator(".flash")).containsText("Rejected");
    assertThat(small.locator("#approvals article")).hasCount(1);
  }
}
