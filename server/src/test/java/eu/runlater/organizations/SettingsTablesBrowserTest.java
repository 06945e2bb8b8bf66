package eu.runlater.organizations;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.ServerTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Settings, admin and dev-mailbox pages in a real browser: tables fit at 1280 px with every column
 * and action visible, become cards on a phone, errors are tied to their fields, and every page is
 * accessible.
 */
class SettingsTablesBrowserTest extends ServerTest {
  @Autowired Invites invites;
  @Autowired Members members;
  @Autowired JdbcClient jdbc;
  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Page signedIn(boolean phone, Fixtures.TestUser user) {
    return profiles.page(phone ? Chromium::phone : Chromium::context, api.base(), user);
  }

  private static void checked(Page page) {
    Axe.assertClean(page);
    Layout.assertFits(page);
  }

  /** An owner (and superadmin) of an organization with members, invitations and keys. */
  private Fixtures.TestUser busyOwner(Fixtures.Tenant tenant) {
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", owner.id()).update();
    for (int i = 0; i < 3; i++) {
      fixtures.user(tenant.id(), i == 0 ? Role.ADMIN : Role.MEMBER);
      invites.create(
          tenant.id(),
          owner.id(),
          "a-rather-long-address-of-an-invitee-"
              + i
              + "-"
              + System.nanoTime()
              + "@subdomain.example.com",
          Role.MEMBER);
    }
    return owner;
  }

  private static String label(Locator cell) {
    return (String) cell.evaluate("td => getComputedStyle(td, '::before').content");
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void the_team_table_fits_and_its_row_actions_work(boolean phone) {
    var tenant = fixtures.tenant();
    var owner = busyOwner(tenant);
    Page page = signedIn(phone, owner);
    page.navigate(api.base() + "/settings/team");
    assertThat(page).hasTitle("Team · " + tenant.organization().name() + " · Runlater");
    checked(page);

    Locator invite = page.locator("#invites tbody tr").first();
    if (phone) {
      // A card: each value after its column's name.
      assertThat(label(invite.locator("td").first())).isEqualTo("\"Email\"");
    } else {
      for (String column : List.of("Email", "Role", "Invited by", "Expires")) {
        assertThat(
                page.locator("#invites thead")
                    .getByText(column, new Locator.GetByTextOptions().setExact(true)))
            .isVisible();
      }
    }
    assertThat(invite.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Resend")))
        .isVisible();
    // The second action is in the row's "⋯" menu.
    invite.locator("summary").click();
    Locator revoke =
        invite.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke"));
    assertThat(revoke).isVisible();
    revoke.click();
    assertThat(page.locator(".flash")).containsText("Revoked the invitation");
    assertThat(page.locator("#invites tbody tr")).hasCount(2);
    // Scanned with the menu closed: an open menu lies over the next row's buttons, which axe
    // then measures as too small a target.
    checked(page);

    for (Locator remove :
        page.locator("#members tbody tr")
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove"))
            .all()) {
      assertThat(remove).isVisible();
    }

    // An address the invitation form refuses: kept, and the error tied to the field.
    page.locator("#invite-email").fill("not-an-address");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
    assertThat(page.locator("#invite-email")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#invite-email"))
        .hasAttribute("aria-describedby", "invite-email-error");
    assertThat(page.locator("#invite-email")).hasValue("not-an-address");
    assertThat(page.locator("#invite-email-error")).isVisible();
    assertThat(page.locator("#invite-email")).isFocused();
    checked(page);
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void the_api_keys_table_fits_and_a_key_is_made_and_revoked(boolean phone) {
    var tenant = fixtures.tenant();
    var owner = busyOwner(tenant);
    Page page = signedIn(phone, owner);
    page.navigate(api.base() + "/settings/api-keys");
    checked(page);

    // A name the form refuses: the error at the field, which has the focus.
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
    assertThat(page.locator("#key-name")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#key-name")).hasAttribute("aria-describedby", "key-name-error");
    assertThat(page.locator("#key-name")).isFocused();
    checked(page);

    page.locator("#key-name").fill("a key with a long name for the deploy pipeline of production");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();
    assertThat(page.locator("#api-key-value")).isVisible();
    checked(page);

    page.navigate(api.base() + "/settings/api-keys");
    Locator row = page.locator("#api-keys tbody tr").first();
    if (phone) {
      assertThat(label(row.locator("td").first())).isEqualTo("\"Key\"");
    }
    for (Locator revoke :
        page.locator("#api-keys")
            .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke"))
            .all()) {
      assertThat(revoke).isVisible();
    }
    checked(page);
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void the_other_settings_and_admin_pages_are_accessible_and_fit(boolean phone) {
    var tenant = fixtures.tenant();
    var owner = busyOwner(tenant);
    Page page = signedIn(phone, owner);
    for (String path :
        List.of(
            "/settings/organization",
            "/settings/billing",
            "/organizations/new",
            "/admin/organizations",
            "/admin/organizations?q=zzz-no-match")) {
      page.navigate(api.base() + path);
      assertThat(page.locator("h1")).isVisible();
      checked(page);
    }
    assertThat(page).hasTitle("Organizations · " + tenant.organization().name() + " · Runlater");

    page.navigate(api.base() + "/admin/organizations");
    Locator row = page.locator("#admin-organizations tbody tr").first();
    assertThat(row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set")))
        .isVisible();
    assertThat(row.getByRole(AriaRole.COMBOBOX)).isVisible();
    if (phone) {
      assertThat(label(row.locator("td").nth(2))).isEqualTo("\"Members\"");
      assertThat(row.locator("td").nth(2)).isVisible();
    }

    // A refused rename and deletion point at their fields.
    page.navigate(api.base() + "/settings/organization");
    page.locator("#name").fill(" ");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rename")).click();
    assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#name-error")).isVisible();
    checked(page);
    page.locator("#confirm").fill("not the name");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete this organization"))
        .click();
    assertThat(page.locator("#confirm")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#confirm")).hasAttribute("aria-describedby", "confirm-error");
    assertThat(page.locator("#confirm")).isFocused();
    checked(page);

    page.navigate(api.base() + "/organizations/new");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create organization"))
        .click();
    assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
    checked(page);
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void the_dev_mailbox_shows_whole_messages_without_scrolling_sideways(boolean phone) {
    var tenant = fixtures.tenant();
    var owner = busyOwner(tenant);
    Page page = signedIn(phone, owner);
    // A mail with a long link: an invitation sent from the team page.
    page.navigate(api.base() + "/settings/team");
    String invited = "mailbox-" + System.nanoTime() + "@a-long-subdomain.example.com";
    page.locator("#invite-email").fill(invited);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send invitation")).click();
    assertThat(page.locator(".flash")).containsText("Invited");

    page.navigate(api.base() + "/dev/mailbox");
    checked(page);
    page.locator("table.mailbox tbody tr")
        .filter(new Locator.FilterOptions().setHasText(invited))
        .first()
        .getByRole(AriaRole.LINK)
        .click();
    assertThat(page.locator("pre.mail-body")).containsText("/invites/");
    checked(page);
    // The whole text shows: the body neither scrolls nor is cut off.
    Object clipped =
        page.evaluate(
            "() => { const p = document.querySelector('pre.mail-body');"
                + " return p.scrollHeight > p.clientHeight + 1 || p.scrollWidth > p.clientWidth + 1; }");
    assertThat(clipped).isEqualTo(false);
  }
}
