package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An attacker signs up first with the victim's address and a password. Whatever mail the victim
 * later confirms the address through (a sign-in link, an invitation, a reset), the attacker's
 * password stops working and the attacker's sessions end; only the sign-up's own welcome link keeps
 * the password it chose.
 */
class PreAccountHijackTest extends ServerTest {
  private static final String ATTACKERS = "the attackers password";
  @Autowired JdbcClient jdbc;
  Mailbox mailbox;

  @org.junit.jupiter.api.BeforeEach
  void mailbox() {
    mailbox = new Mailbox(jdbc);
  }

  @Test
  void the_victims_magic_link_sign_in_drops_the_attackers_password_and_session() {
    String victim = address("magic");
    Browser attacker = attackerSignsUpAndHoldsASession(victim);

    Browser owner = new Browser(port);
    owner.get("/login");
    owner.post("/ott/generate", Map.of("username", victim));
    assertThat(signInThrough(owner, mailbox.latestTo(victim).link())).isEqualTo("/");

    assertAttackerIsOut(victim, attacker);
    assertThat(owner.get("/").status()).isEqualTo(200);
  }

  @Test
  void accepting_an_invitation_drops_the_attackers_password_and_session() {
    String victim = address("invite");
    Browser attacker = attackerSignsUpAndHoldsASession(victim);
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Browser inviter = signIn(admin);
    inviter.get("/settings/team");
    inviter.post("/settings/team/invites", Map.of("email", victim, "role", "member"));
    String invite = mailbox.latestTo(victim).link();
    String token = invite.substring(invite.indexOf("/invites/") + 9);

    // The owner of the address opens the invitation and signs in by link to accept it.
    Browser owner = new Browser(port);
    owner.get(invite);
    owner.get("/login");
    owner.post("/ott/generate", Map.of("username", victim));
    signInThrough(owner, mailbox.latestTo(victim).link());
    owner.get("/invites/" + token);
    assertThat(owner.post("/invites/" + token + "/accept", Map.of()).redirectPath()).isEqualTo("/");

    assertAttackerIsOut(victim, attacker);
  }

  @Test
  void a_password_reset_drops_the_attackers_password_and_session() {
    String victim = address("reset");
    Browser attacker = attackerSignsUpAndHoldsASession(victim);

    Browser owner = new Browser(port);
    owner.get("/password/forgot");
    owner.post("/password/forgot", Map.of("email", victim));
    String link = mailbox.latestTo(victim).link();
    owner.get(link);
    String token = link.substring(link.indexOf("token=") + 6);
    assertThat(
            owner
                .post("/password/reset", Map.of("token", token, "password", "the owners password"))
                .redirectPath())
        .isEqualTo("/login");

    assertAttackerIsOut(victim, attacker);
    assertThat(passwordSignIn(victim, "the owners password")).isEqualTo("/");
  }

  @Test
  void the_welcome_link_of_the_sign_up_keeps_its_password() {
    String email = address("legit");
    Browser browser = new Browser(port);
    browser.get("/signup");
    browser.post("/signup", Map.of("email", email, "password", "my own password"));
    Mailbox.Message welcome = mailbox.latestTo(email);
    assertThat(welcome.subject()).isEqualTo("Confirm your email for Runlater");
    assertThat(welcome.body()).contains("If you did not sign up, ignore this mail");
    // Opened on another device than the one that signed up: still the sign-up's own link.
    assertThat(signInThrough(new Browser(port), welcome.link())).isEqualTo("/");
    assertThat(passwordSignIn(email, "my own password")).isEqualTo("/");
  }

  @Test
  void a_confirmation_link_the_attacker_triggers_keeps_nothing_when_the_owner_opens_it() {
    String victim = address("resend");
    Browser attacker = new Browser(port);
    attacker.get("/signup");
    attacker.post("/signup", Map.of("email", victim, "password", ATTACKERS));
    // The right password on an unconfirmed address mails a new confirmation link …
    assertThat(passwordSignIn(victim, ATTACKERS)).isEqualTo("/login?unconfirmed");
    // … which the owner, in their own browser, opens.
    assertThat(signInThrough(new Browser(port), mailbox.latestTo(victim).link())).isEqualTo("/");
    assertThat(passwordSignIn(victim, ATTACKERS)).isEqualTo("/login?error");
  }

  /**
   * The attacker signs up with {@code victim} and a password, and holds a signed-in session on the
   * account: no path gives one today before the address is confirmed, so the test plays a future
   * one (signed in at sign-up) by opening the welcome link in the attacker's browser and then
   * marking the address unconfirmed again.
   */
  private Browser attackerSignsUpAndHoldsASession(String victim) {
    Browser attacker = new Browser(port);
    attacker.get("/signup");
    attacker.post("/signup", Map.of("email", victim, "password", ATTACKERS));
    assertThat(signInThrough(attacker, mailbox.latestTo(victim).link())).isEqualTo("/");
    jdbc.sql("UPDATE users SET confirmed_at = NULL WHERE lower(email) = lower(:email)")
        .param("email", victim)
        .update();
    assertThat(attacker.get("/").status()).isEqualTo(200);
    return attacker;
  }

  private void assertAttackerIsOut(String victim, Browser attacker) {
    assertThat(passwordSignIn(victim, ATTACKERS)).isEqualTo("/login?error");
    assertThat(attacker.get("/").redirectPath()).isEqualTo("/login");
  }

  private String signInThrough(Browser browser, String link) {
    browser.get(link);
    return browser
        .post("/login/ott", Map.of("token", link.substring(link.indexOf("token=") + 6)))
        .redirectPath();
  }

  private String passwordSignIn(String email, String password) {
    Browser browser = new Browser(port);
    browser.get("/login");
    return browser.post("/login", Map.of("email", email, "password", password)).redirectPath();
  }

  private static String address(String what) {
    return what + "-" + System.nanoTime() + "@example.com";
  }
}
