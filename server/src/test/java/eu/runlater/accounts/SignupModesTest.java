package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Members;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** RUNLATER_SIGNUP: open, invite (the default) and closed, switched at run time. */
class SignupModesTest extends ServerTest {
  @Autowired SignupPolicy policy;
  @Autowired Users users;
  @Autowired Members members;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void backToOpen() {
    policy.setMode(SignupPolicy.Mode.OPEN);
  }

  @Test
  void the_default_mode_is_invite() {
    assertThat(new SignupProperties(null).mode()).isEqualTo("invite");
    assertThat(new SignupProperties("Closed").mode()).isEqualTo("Closed");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SignupProperties("everyone"))
        .hasMessageContaining("RUNLATER_SIGNUP must be open, invite or closed");
  }

  @Test
  void open_lets_anyone_sign_up_with_an_organization_of_their_own() {
    policy.setMode(SignupPolicy.Mode.OPEN);
    Browser browser = new Browser(port);
    assertThat(browser.get("/login").body()).contains("Create an account");
    assertThat(browser.get("/signup").status()).isEqualTo(200);
    String email = "open-" + System.nanoTime() + "@example.com";
    assertThat(browser.post("/signup", Map.of("email", email, "password", "")).redirectPath())
        .isEqualTo("/login/check-mail");
    User user = users.findByEmail(email).orElseThrow();
    assertThat(members.memberships(user.id()))
        .singleElement()
        .satisfies(m -> assertThat(m.role()).isEqualTo(Role.OWNER));
    assertMagicLinksCreateNoAccount();
  }

  @Test
  void a_personal_organization_is_never_named_after_a_web_address() {
    policy.setMode(SignupPolicy.Mode.OPEN);
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "www.pay-here.example" + System.nanoTime() % 1000 + "@example.com";
    browser.post("/signup", Map.of("email", email, "password", ""));
    User user = users.findByEmail(email).orElseThrow();
    assertThat(members.memberships(user.id()))
        .singleElement()
        .satisfies(m -> assertThat(m.organizationName()).isEqualTo("My organization"));
  }

  @Test
  void an_invitee_who_confirms_on_another_device_finds_the_invitation_in_the_welcome_mail() {
    policy.setMode(SignupPolicy.Mode.INVITE);
    var tenant = fixtures.tenant();
    Browser admin = signIn(fixtures.user(tenant.id(), Role.ADMIN));
    admin.get("/settings/team");
    String invited = "elsewhere-" + System.nanoTime() + "@example.com";
    admin.post("/settings/team/invites", Map.of("email", invited, "role", "member"));
    String inviteLink = new Mailbox(jdbc).latestTo(invited).link();
    String token = inviteLink.substring(inviteLink.indexOf("/invites/") + 9);

    Browser laptop = new Browser(port);
    laptop.get("/signup?invite=" + token);
    laptop.post("/signup", Map.of("email", invited, "password", "", "invite", token));
    Mailbox.Message welcome = new Mailbox(jdbc).latestTo(invited);
    assertThat(welcome.subject()).isEqualTo("Confirm your email for Runlater");
    assertThat(welcome.body()).contains(inviteLink);

    // The phone has no session that leads back to the invitation: the mail does.
    Browser phone = new Browser(port);
    String magic = welcome.link();
    phone.get(magic);
    assertThat(
            phone
                .post("/login/ott", Map.of("token", magic.substring(magic.indexOf("token=") + 6)))
                .redirectPath())
        .isEqualTo("/");
    phone.get(inviteLink);
    assertThat(phone.post("/invites/" + token + "/accept", Map.of()).redirectPath()).isEqualTo("/");
    User user = users.findByEmail(invited).orElseThrow();
    assertThat(members.memberships(user.id()))
        .singleElement()
        .satisfies(m -> assertThat(m.organizationId()).isEqualTo(tenant.id()));
  }

  @Test
  void invite_accepts_only_the_holder_of_a_live_invitation_with_its_address() {
    policy.setMode(SignupPolicy.Mode.INVITE);
    Browser stranger = new Browser(port);
    var login = stranger.get("/login");
    assertThat(login.body()).doesNotContain("Create an account").contains("made by invitation");
    var form = stranger.get("/signup");
    assertThat(form.status()).isEqualTo(403);
    assertThat(form.body()).contains("by invitation only");
    // A POST without an invitation is refused too (a form from an earlier page, or a script).
    String uninvited = "uninvited-" + System.nanoTime() + "@example.com";
    stranger.get("/login");
    var refused = stranger.post("/signup", Map.of("email", uninvited, "password", ""));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(users.findByEmail(uninvited)).isEmpty();

    var tenant = fixtures.tenant();
    Browser admin = signIn(fixtures.user(tenant.id(), Role.ADMIN));
    admin.get("/settings/team");
    String invited = "invited-" + System.nanoTime() + "@example.com";
    admin.post("/settings/team/invites", Map.of("email", invited, "role", "member"));
    String link = new Mailbox(jdbc).latestTo(invited).link();
    String token = link.substring(link.indexOf("/invites/") + 9);

    Browser guest = new Browser(port);
    assertThat(guest.get("/invites/" + token).body()).contains("/signup?invite=" + token);
    var signupForm = guest.get("/signup?invite=" + token);
    assertThat(signupForm.status()).isEqualTo(200);
    assertThat(signupForm.body()).contains(invited);
    // Only with the invited address.
    var other =
        guest.post(
            "/signup",
            Map.of("email", "someone-else@example.com", "password", "", "invite", token));
    assertThat(other.body()).contains("This invitation is for " + invited);
    assertThat(users.findByEmail("someone-else@example.com")).isEmpty();
    assertThat(
            guest
                .post("/signup", Map.of("email", invited, "password", "", "invite", token))
                .redirectPath())
        .isEqualTo("/login/check-mail");
    User user = users.findByEmail(invited).orElseThrow();
    // No organization of their own: they join the inviting one by accepting.
    assertThat(members.memberships(user.id())).isEmpty();
    String magic = new Mailbox(jdbc).latestTo(invited).link();
    guest.get(magic);
    assertThat(
            guest
                .post("/login/ott", Map.of("token", magic.substring(magic.indexOf("token=") + 6)))
                .redirectPath())
        .startsWith("/invites/" + token);
    guest.get("/invites/" + token);
    assertThat(guest.post("/invites/" + token + "/accept", Map.of()).redirectPath()).isEqualTo("/");
    assertThat(members.memberships(user.id()))
        .singleElement()
        .satisfies(m -> assertThat(m.organizationId()).isEqualTo(tenant.id()));

    // A spent invitation opens no sign-up.
    Browser late = new Browser(port);
    late.get("/login");
    String another = "another-" + System.nanoTime() + "@example.com";
    var spent = late.post("/signup", Map.of("email", another, "password", "", "invite", token));
    assertThat(spent.status()).isEqualTo(403);
    assertThat(spent.body()).contains("no longer valid");
    assertThat(users.findByEmail(another)).isEmpty();
    assertMagicLinksCreateNoAccount();
  }

  @Test
  void closed_refuses_every_sign_up_even_with_an_invitation() {
    policy.setMode(SignupPolicy.Mode.CLOSED);
    var tenant = fixtures.tenant();
    Browser admin = signIn(fixtures.user(tenant.id(), Role.ADMIN));
    admin.get("/settings/team");
    String invited = "closed-" + System.nanoTime() + "@example.com";
    admin.post("/settings/team/invites", Map.of("email", invited, "role", "member"));
    String link = new Mailbox(jdbc).latestTo(invited).link();
    String token = link.substring(link.indexOf("/invites/") + 9);

    Browser guest = new Browser(port);
    assertThat(guest.get("/login").body())
        .doesNotContain("Create an account")
        .doesNotContain("/signup");
    var invitePage = guest.get("/invites/" + token);
    assertThat(invitePage.body()).doesNotContain("/signup").contains("Sign-up is closed");
    for (String path : new String[] {"/signup", "/signup?invite=" + token}) {
      var page = guest.get(path);
      assertThat(page.status()).isEqualTo(403);
      assertThat(page.body()).contains("Sign-up is closed on this instance");
    }
    guest.get("/login");
    var refused = guest.post("/signup", Map.of("email", invited, "password", "", "invite", token));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(users.findByEmail(invited)).isEmpty();
    // Existing accounts still sign in.
    assertThat(signIn(fixtures.user(tenant.id(), Role.MEMBER)).get("/").status()).isEqualTo(200);
    assertMagicLinksCreateNoAccount();
  }

  /** Asking for a sign-in link for an unknown address creates no account, in any mode. */
  private void assertMagicLinksCreateNoAccount() {
    String nobody = "nobody-" + System.nanoTime() + "@example.com";
    Browser browser = new Browser(port);
    browser.get("/login");
    assertThat(browser.post("/ott/generate", Map.of("username", nobody)).redirectPath())
        .isEqualTo("/login/check-mail");
    assertThat(users.findByEmail(nobody)).isEmpty();
    assertThat(new Mailbox(jdbc).to(nobody)).isEmpty();
  }
}
