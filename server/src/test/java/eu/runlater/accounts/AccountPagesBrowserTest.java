package eu.runlater.accounts;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.organizations.Setup;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sign-in pages in a real browser, at desktop and phone size: a refused password keeps the
 * address, an invited sign-up starts with the invited address, errors are tied to their fields, and
 * every page is accessible and fits.
 */
class AccountPagesBrowserTest extends ServerTest {
  @Autowired UserTokens tokens;
  @Autowired Setup setup;
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

  private static void checked(Page page) {
    Axe.assertClean(page);
    Layout.assertFits(page);
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void a_wrong_password_keeps_the_address_and_points_at_the_password(boolean phone) {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Page page = open(phone);
    page.navigate(api.base() + "/login");
    checked(page);
    page.locator("#email").fill(user.email());
    page.locator("#password").fill("not the password");
    page.locator("form[action='/login'] button").click();

    assertThat(page).hasURL(api.base() + "/login?error");
    assertThat(page.locator("#email")).hasValue(user.email());
    assertThat(page.locator("#password")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#password")).hasAttribute("aria-describedby", "password-error");
    assertThat(page.locator("#password-error"))
        .hasText("That email and password do not match an account.");
    assertThat(page.locator("#password")).isFocused();
    checked(page);

    // The address is not in the URL, and a reload of the form forgets it.
    page.reload();
    assertThat(page.locator("#email")).hasValue("");
    // The right password still works from the kept address.
    page.locator("#email").fill(user.email());
    page.locator("#password").fill(Fixtures.PASSWORD);
    page.locator("form[action='/login'] button").click();
    assertThat(page).hasURL(api.base() + "/");
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void sign_up_errors_are_tied_to_their_fields_and_focused(boolean phone) {
    Page page = open(phone);
    page.navigate(api.base() + "/signup");
    checked(page);
    page.locator("#email").fill("new-" + System.nanoTime() + "@example.com");
    page.locator("#password").fill("short");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();

    assertThat(page.locator("#password")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#password"))
        .hasAttribute("aria-describedby", Pattern.compile("\\bpassword-error\\b"));
    assertThat(page.locator("#password-error")).isVisible();
    assertThat(page.locator("#email")).not().hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#password")).isFocused();
    checked(page);

    page.locator("#email").fill("not an address");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
    assertThat(page.locator("#email")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#email")).hasAttribute("aria-describedby", "email-error");
    assertThat(page.locator("#email")).isFocused();
  }

  @ParameterizedTest(name = "phone: {0}")
  @ValueSource(booleans = {false, true})
  void every_sign_in_page_is_accessible_and_fits(boolean phone) {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Page page = open(phone);
    for (String path :
        List.of(
            "/login",
            "/login?locked",
            "/login?unconfirmed",
            "/login?expired",
            "/login?invalid-email",
            "/signup",
            "/password/forgot",
            "/password/reset?token=nope",
            "/password/reset?token="
                + tokens.issue(user.id(), UserTokens.Purpose.RESET_PASSWORD, UserTokens.RESET_TTL),
            "/login/magic?token=abc",
            "/login/check-mail",
            "/invites/no-such-invitation",
            "/setup?token=nope")) {
      page.navigate(api.base() + path);
      assertThat(page.locator("h1")).isVisible();
      checked(page);
    }
    setup
        .issue()
        .ifPresent(
            token -> {
              page.navigate(api.base() + "/setup?token=" + token);
              assertThat(page.locator("#email")).isVisible();
              checked(page);
            });
  }
}
