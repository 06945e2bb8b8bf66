package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.accounts.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The dev mailbox holds everyone's sign-in links: only this machine and the superadmin see it. */
class DevMailboxPagesTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void a_browser_on_this_machine_sees_the_mailbox() {
    Browser local = new Browser(port);
    assertThat(local.get("/dev/mailbox").status()).isEqualTo(200);
  }

  @Test
  void a_stranger_elsewhere_does_not_even_signed_in_but_the_superadmin_does() {
    var user = fixtures.user(fixtures.tenant().id(), Role.OWNER);
    // A mail with a sign-in link in it, for someone.
    Browser stranger = new Browser(port).from("203.0.113.50");
    stranger.get("/login");
    stranger.post("/ott/generate", Map.of("username", user.email()));

    var refused = stranger.get("/dev/mailbox");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("only on this machine").doesNotContain("/login/magic");
    String id =
        jdbc.sql("SELECT id::text FROM dev_mailbox ORDER BY sent_at DESC LIMIT 1")
            .query(String.class)
            .single();
    assertThat(stranger.get("/dev/mailbox/" + id).status()).isEqualTo(403);

    Browser member = signedInFrom("203.0.113.51", user);
    assertThat(member.get("/dev/mailbox").status()).isEqualTo(403);

    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    Browser superadmin = signedInFrom("203.0.113.52", user);
    assertThat(superadmin.get("/dev/mailbox").status()).isEqualTo(200);
    assertThat(superadmin.get("/dev/mailbox/" + id).body()).contains("/login/magic");
  }

  private Browser signedInFrom(String address, Fixtures.TestUser user) {
    Browser browser = new Browser(port).from(address);
    browser.get("/login");
    assertThat(
            browser
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/");
    return browser;
  }
}
