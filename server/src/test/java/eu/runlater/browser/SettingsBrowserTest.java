package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Settings in a real browser: an API key made on the page works on the API; an invite is accepted.
 */
class SettingsBrowserTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  private final List<BrowserContext> contexts = new ArrayList<>();

  @AfterEach
  void close() {
    contexts.forEach(BrowserContext::close);
  }

  private Page signedIn(Fixtures.TestUser user) {
    BrowserContext context = Chromium.context();
    contexts.add(context);
    Page page = Chromium.page(context);
    page.navigate(api.base() + "/login");
    page.locator("#email").fill(user.email());
    page.locator("#password").fill(Fixtures.PASSWORD);
    page.locator("form[action='/login'] button").click();
    // Home, or the page that asks someone in no organization to create one.
    page.waitForURL(url -> url.endsWith("/") || url.endsWith("/organizations/new"));
    return page;
  }

  @Test
  void an_api_key_created_on_the_page_works_against_the_api_until_revoked() {
    var tenant = fixtures.tenant();
    Page page = signedIn(fixtures.user(tenant.id(), Role.ADMIN));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Settings")).click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API keys")).click();
    page.locator("#key-name").fill("from the browser");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();

    String key = page.locator("#api-key-value").inputValue();
    assertThat(key).startsWith("pk_live_");
    var me = api.get("/api/v1/organization", key);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("id").asString()).isEqualTo(tenant.id().toString());

    page.navigate(api.base() + "/settings/api-keys");
    page.locator("tr", new Page.LocatorOptions().setHasText("from the browser"))
        .getByRole(
            AriaRole.BUTTON,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Revoke"))
        .click();
    assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("from the browser")))
        .containsText("revoked");
    assertThat(api.get("/api/v1/organization", key).status()).isEqualTo(401);
  }

  @Test
  void an_invited_member_accepts_and_finds_the_organization_in_the_switcher() {
    var tenant = fixtures.tenant();
    Page owner = signedIn(fixtures.user(tenant.id(), Role.OWNER));
    var invitee = fixtures.user();
    owner.navigate(api.base() + "/settings/team");
    owner.locator("#invite-email").fill(invitee.email());
    owner
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation"))
        .click();
    assertThat(owner.locator("body")).containsText(invitee.email());

    String link = new Mailbox(jdbc).latestTo(invitee.email()).link();
    assertThat(link).contains("/invites/");
    Page member = signedIn(invitee);
    member.navigate(link);
    member
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Accept and join"))
        .click();
    assertThat(member.locator("#org-switcher option:checked"))
        .hasText(tenant.organization().name());
    // The owner sees the new member on the team page.
    owner.navigate(api.base() + "/settings/team");
    assertThat(owner.locator("body")).containsText(invitee.email());
  }
}
