package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.Setup;
import eu.runlater.organizations.Tier;
import eu.runlater.support.Chromium;
import eu.runlater.support.ServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The README's first run in a real browser, with no mail server: the printed setup link, the owner
 * account, the dashboard; then the owner, superadmin now, changes a tier on the admin page.
 */
class SetupBrowserTest extends ServerTest {
  @Autowired Setup setup;
  @Autowired Organizations organizations;
  @Autowired JdbcClient jdbc;
  private BrowserContext context;
  private Page page;

  @BeforeEach
  void open() {
    jdbc.sql("DELETE FROM memberships").update();
    jdbc.sql("DELETE FROM users").update();
    jdbc.sql("DELETE FROM instance_settings").update();
    context = Chromium.context();
    page = Chromium.page(context);
  }

  @AfterEach
  void close() {
    context.close();
  }

  @Test
  void the_setup_link_creates_the_owner_who_lands_on_the_dashboard_and_sets_tiers() {
    String token = setup.issue().orElseThrow();
    var tenant = fixtures.tenant(Tier.FREE);

    page.navigate(api.base() + "/setup?token=" + token);
    assertThat(page.locator("h1")).hasText("Set up Runlater");
    page.getByLabel("Email").fill("owner@example.com");
    page.getByLabel("Password").fill("a long enough password");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create owner account"))
        .click();

    assertThat(page).hasURL(api.base() + "/");
    assertThat(page.locator(".user-menu summary")).hasText("owner@example.com");
    assertThat(page.locator("#org-switcher option:checked")).hasText("Default");
    assertThat(page.locator(".cards")).containsText("Active jobs");

    page.locator(".user-menu summary").click();
    page.getByText("All organizations (admin)").click();
    assertThat(page.locator("h1")).hasText("Organizations");
    var row =
        page.locator(
            "#admin-organizations tr",
            new Page.LocatorOptions().setHasText(tenant.organization().slug()));
    row.locator("select").selectOption("pro");
    row.getByRole(
            AriaRole.BUTTON, new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Set"))
        .click();
    assertThat(page.locator(".flash")).containsText("is on pro now");
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.PRO);

    // The link worked once.
    page.navigate(api.base() + "/setup?token=" + token);
    assertThat(page.locator("h1")).hasText("Runlater is already set up");
  }
}
