package eu.runlater.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.accounts.SignInLimiter;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Forwarded headers over real HTTP. ServerTest lists 127.0.0.1 as the trusted proxy; other loopback
 * peers (127.0.0.2, …) stand for a peer in a range Tomcat trusted by default, or a reverse proxy on
 * this machine that the operator did not list.
 */
class ForwardedHeadersTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void x_forwarded_for_from_a_peer_that_is_not_listed_does_not_change_the_client() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser spoofer = Browser.connectingFrom(port, "127.0.0.2");
    spoofer.get("/login");
    for (int i = 0; i < SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT; i++) {
      // A new address claimed on every attempt, to dodge the per-client limit.
      spoofer.header("X-Forwarded-For", "198.51.100." + (i + 1));
      assertThat(
              spoofer
                  .post("/login", Map.of("email", user.email(), "password", "wrong"))
                  .redirectPath())
          .isEqualTo("/login?error");
    }
    spoofer.header("X-Forwarded-For", "198.51.100.99");
    assertThat(
            spoofer
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/login?locked");
    assertThat(clientsCountedFor(user.email())).containsOnly("127.0.0.2");
  }

  @Test
  void a_proxy_on_this_machine_that_is_not_listed_does_not_make_visitors_local_or_secure()
      throws Exception {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser visitor =
        Browser.connectingFrom(port, "127.0.0.3")
            .header("X-Forwarded-For", "203.0.113.30")
            .header("X-Forwarded-Proto", "https");
    visitor.get("/login");
    var page = visitor.post("/login", Map.of("email", user.email(), "password", "wrong"));
    assertThat(page.redirectPath()).isEqualTo("/login?error");
    assertThat(clientsCountedFor(user.email())).containsOnly("127.0.0.3");
    assertThat(visitor.get("/dev/mailbox").status()).isEqualTo(403);
    var signedIn = Browser.connectingFrom(port, "127.0.0.3").header("X-Forwarded-Proto", "https");
    signedIn.get("/login");
    var done =
        signedIn.post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    assertThat(done.redirectPath()).isEqualTo("/");
    assertThat(done.headers().getOrDefault("set-cookie", List.of()))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).doesNotContain("Secure"));
  }

  @Test
  void through_a_listed_proxy_the_forwarded_client_is_counted() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    // 127.0.0.1 is listed; left of the client is whatever the client sent, and means nothing.
    Browser attacker =
        new Browser(port).header("X-Forwarded-For", "10.0.0.1, 203.0.113.60, 127.0.0.1");
    attacker.get("/login");
    for (int i = 0; i < SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT; i++) {
      attacker.post("/login", Map.of("email", user.email(), "password", "wrong"));
    }
    assertThat(clientsCountedFor(user.email())).containsOnly("203.0.113.60");
    assertThat(
            attacker
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/login?locked");
    // Another client behind the same proxy is not locked out.
    Browser owner = new Browser(port).header("X-Forwarded-For", "203.0.113.61");
    owner.get("/login");
    assertThat(
            owner
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/");
  }

  private List<String> clientsCountedFor(String email) {
    return jdbc.sql("SELECT client FROM sign_in_failures WHERE lower(email) = lower(:email)")
        .param("email", email)
        .query(String.class)
        .list();
  }
}
