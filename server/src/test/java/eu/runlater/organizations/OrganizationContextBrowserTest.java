package eu.runlater.organizations;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.platform.mail.Mailer;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The organization a page shows, in a real browser: the last one used opens the next session, an
 * object of another of the viewer's organizations offers to switch there (and nothing is said about
 * organizations they are not in), error pages keep the header, titles name the organization.
 */
class OrganizationContextBrowserTest extends ServerTest {
  @Autowired Members members;
  @Autowired Mailer mailer;
  private final List<BrowserContext> contexts = new ArrayList<>();

  @AfterEach
  void close() {
    contexts.forEach(BrowserContext::close);
  }

  private Page open(boolean phone) {
    BrowserContext context = phone ? Chromium.phone() : Chromium.context();
    contexts.add(context);
    return Chromium.page(context);
  }

  /** A user in two organizations; returns both tenants, the user and their emails. */
  private record TwoOrgs(Fixtures.Tenant a, Fixtures.Tenant b, Fixtures.TestUser user) {}

  private TwoOrgs twoOrgs() {
    var a = fixtures.tenant();
    var b = fixtures.tenant();
    var user = fixtures.user(a.id(), Role.OWNER);
    members.add(b.id(), user.id(), Role.MEMBER);
    return new TwoOrgs(a, b, user);
  }

  private String job(Fixtures.Tenant tenant, String name) {
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "%s", "url": "https://example.com/hook", "schedule": {"type": "once", "delay": "1h"}}
            """
                .formatted(name));
    assertThat(created.status()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private static String shownOrganization(Page page) {
    return page.locator("#org-switcher option:checked").textContent().strip();
  }

  private static void signOut(Page page) {
    page.locator(".user-menu summary").click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
    assertThat(page).hasURL(Pattern.compile("/login"));
  }

  @Test
  void the_last_organization_opens_the_next_session_by_password_and_by_link() {
    var orgs = twoOrgs();
    Page page = open(false);
    Chromium.signIn(page, api.base(), orgs.user().email());
    String first = shownOrganization(page);
    String other =
        first.equals(orgs.a().organization().name())
            ? orgs.b().organization().name()
            : orgs.a().organization().name();

    page.locator("#org-switcher")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel(other));
    assertThat(page).hasTitle("Home · " + other + " · Runlater");
    signOut(page);

    Chromium.signIn(page, api.base(), orgs.user().email());
    assertThat(page.locator("#org-switcher option:checked")).hasText(other);
    assertThat(page).hasTitle("Home · " + other + " · Runlater");
    signOut(page);

    // By a mailed sign-in link: the same organization.
    page.locator("#magic-email").fill(orgs.user().email());
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Email me a sign-in link"))
        .click();
    assertThat(page.locator("h1")).hasText("Check your mail");
    page.navigate(
        new Mailbox((eu.runlater.platform.mail.DevMailbox) mailer)
            .latestTo(orgs.user().email())
            .link());
    page.locator("#magic-continue").click();
    assertThat(page.locator("#org-switcher option:checked")).hasText(other);
  }

  @Test
  void a_removed_membership_is_not_reopened() {
    var orgs = twoOrgs();
    members.markUsed(orgs.b().id(), orgs.user().id());
    jdbcRemove(orgs.b().id(), orgs.user().id());
    Page page = open(false);
    Chromium.signIn(page, api.base(), orgs.user().email());
    assertThat(page.locator("#org-switcher option:checked"))
        .hasText(orgs.a().organization().name());
  }

  @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

  private void jdbcRemove(java.util.UUID org, java.util.UUID user) {
    jdbc.sql("DELETE FROM memberships WHERE organization_id = :o AND user_id = :u")
        .param("o", org)
        .param("u", user)
        .update();
  }

  @Test
  void another_organizations_job_offers_the_switch_and_switching_opens_it_on_desktop() {
    switchesToTheJobsOrganization(false);
  }

  @Test
  void another_organizations_job_offers_the_switch_and_switching_opens_it_on_a_phone() {
    switchesToTheJobsOrganization(true);
  }

  private void switchesToTheJobsOrganization(boolean phone) {
    var orgs = twoOrgs();
    Page page = open(phone);
    Chromium.signIn(page, api.base(), orgs.user().email());
    String shown = shownOrganization(page);
    var elsewhere = shown.equals(orgs.a().organization().name()) ? orgs.b() : orgs.a();
    String name = elsewhere.organization().name();
    String id = job(elsewhere, "in-the-other-org");

    var response = page.navigate(api.base() + "/jobs/" + id);
    assertThat(response.status()).isEqualTo(404);
    assertThat(page.locator("h1")).hasText("Job in " + name);
    assertThat(page.locator(".error-page")).containsText("This job is in organization " + name);
    // The header and its switcher stay.
    assertThat(page.locator("#org-switcher")).isAttached();
    assertThat(page).hasTitle("Job in " + name + " · " + shown + " · Runlater");
    Axe.assertClean(page);
    Layout.assertFits(page);

    page.getByRole(
            AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("Switch to " + name + " and open it"))
        .click();
    assertThat(page).hasURL(api.base() + "/jobs/" + id);
    assertThat(page.locator("h1")).containsText("in-the-other-org");
    assertThat(page.locator("#org-switcher option:checked")).hasText(name);
  }

  @Test
  void another_organizations_execution_message_and_queue_offer_the_switch() throws Exception {
    var orgs = twoOrgs();
    Page page = open(false);
    Chromium.signIn(page, api.base(), orgs.user().email());
    var elsewhere =
        shownOrganization(page).equals(orgs.a().organization().name()) ? orgs.b() : orgs.a();
    String name = elsewhere.organization().name();
    var pushed =
        api.post(
            "/api/v1/messages/batch",
            elsewhere.key(),
            """
            {"messages": [{"queue": "elsewhere-q", "url": "https://example.com/x", "delay": "1h"}]}
            """);
    assertThat(pushed.status()).isIn(200, 201, 202);
    String message = firstId(pushed.body());

    page.navigate(api.base() + "/messages/" + message);
    assertThat(page.locator(".error-page")).containsText("This message is in organization " + name);
    page.navigate(api.base() + "/queues/elsewhere-q");
    assertThat(page.locator(".error-page")).containsText("This queue is in organization " + name);

    try (Sink sink = Sink.start()) {
      var job =
          api.post(
              "/api/v1/jobs",
              elsewhere.key(),
              """
              {"name": "ran-elsewhere", "url": "%s", "schedule": {"type": "once", "delay": "0s"}}
              """
                  .formatted(sink.url("/ran")));
      sink.awaitCount(1, Duration.ofSeconds(20));
      String jobId = job.json().get("id").asString();
      // The execution is recorded as the delivery ends, just after the target has it.
      String path = "/api/v1/jobs/" + jobId + "/executions";
      page.waitForCondition(
          () -> api.get(path, elsewhere.key()).body().contains("\"id\""),
          new Page.WaitForConditionOptions().setTimeout(20_000));
      String execution = firstId(api.get(path, elsewhere.key()).body());
      page.navigate(api.base() + "/executions/" + execution);
      assertThat(page.locator(".error-page"))
          .containsText("This execution is in organization " + name);
    }
  }

  /** The first id ({@code id}, {@code messageId}, {@code message_id}) in a JSON answer. */
  private static String firstId(String json) {
    Matcher id =
        Pattern.compile("\"(?:id|messageId|message_id)\"\\s*:\\s*\"([0-9a-f-]{36})\"")
            .matcher(json);
    assertThat(id.find()).as(json).isTrue();
    return id.group(1);
  }

  @Test
  void a_job_of_an_organization_the_viewer_is_not_in_is_plainly_not_found() {
    var orgs = twoOrgs();
    var stranger = fixtures.tenant();
    String id = job(stranger, "not-yours");
    Page page = open(false);
    Chromium.signIn(page, api.base(), orgs.user().email());

    var response = page.navigate(api.base() + "/jobs/" + id);
    assertThat(response.status()).isEqualTo(404);
    assertThat(page.locator("h1")).hasText("Not found");
    assertThat(page.locator("body")).not().containsText(stranger.organization().name());
    assertThat(page.getByText("Switch to")).hasCount(0);
    // The same page as an id that exists nowhere.
    String unknown = page.locator(".error-page").innerText();
    page.navigate(api.base() + "/jobs/" + java.util.UUID.randomUUID());
    assertThat(page.locator(".error-page")).hasText(unknown);
    assertThat(page.locator("#org-switcher")).isAttached();
  }

  @Test
  void error_pages_keep_the_header_at_desktop_and_phone() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    for (boolean phone : new boolean[] {false, true}) {
      Page page = open(phone);
      Chromium.signIn(page, api.base(), user.email());
      // A path nothing serves (the container's error page) …
      var missing = page.navigate(api.base() + "/no/such/page");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(page.locator("header.top")).isVisible();
      assertThat(page.locator("#org-switcher")).isAttached();
      assertThat(page).hasTitle("Not found · " + tenant.organization().name() + " · Runlater");
      Axe.assertClean(page);
      Layout.assertFits(page);
      // … a page the role may not see (403) …
      var forbidden = page.navigate(api.base() + "/admin/organizations");
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(page.locator("header.top")).isVisible();
      Axe.assertClean(page);
      Layout.assertFits(page);
      // … and a malformed id on a page controller.
      page.navigate(api.base() + "/jobs/not-an-id");
      assertThat(page.locator("h1")).hasText("Not found");
      assertThat(page.locator("header.top")).isVisible();
    }
  }

  @Test
  void the_switch_returns_only_to_a_path_on_this_site() {
    assertThat(OrganizationPages.sameSite("/jobs/1?x=2")).isEqualTo("/jobs/1?x=2");
    assertThat(OrganizationPages.sameSite("//evil.example/x")).isEqualTo("/");
    assertThat(OrganizationPages.sameSite("/\\evil.example")).isEqualTo("/");
    assertThat(OrganizationPages.sameSite("https://evil.example/")).isEqualTo("/");
    assertThat(OrganizationPages.sameSite("/a\r\nSet-Cookie: x")).isEqualTo("/");
    assertThat(OrganizationPages.sameSite("")).isEqualTo("/");
  }
}
