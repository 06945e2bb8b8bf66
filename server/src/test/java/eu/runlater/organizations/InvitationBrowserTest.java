package eu.runlater.organizations;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Layout;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An invitation in a real browser: the sign-up (or sign-in) it leads to has the invited address.
 */
class InvitationBrowserTest extends ServerTest {
  @Autowired Invites invites;
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
  void a_sign_up_from_an_invitation_starts_with_the_invited_address(boolean phone) {
    var tenant = fixtures.tenant();
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    String invited = "invited-" + System.nanoTime() + "@example.com";
    var issued = invites.create(tenant.id(), owner.id(), invited, Role.MEMBER);
    Page page = open(phone);

    page.navigate(api.base() + "/invites/" + issued.token());
    checked(page);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Create an account")).click();
    assertThat(page.locator("#email")).hasValue(invited);
    assertThat(page.locator("#email")).not().isEditable();
    checked(page);

    // Sent to sign in from the invitation instead: the form has the invited address, and so has
    // the sign-up reached from there without the invitation in its link.
    page.navigate(api.base() + "/invites/" + issued.token());
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign in").setExact(true))
        .click();
    assertThat(page.locator("#email")).hasValue(invited);
    page.navigate(api.base() + "/signup");
    assertThat(page.locator("#email")).hasValue(invited);
  }
}
