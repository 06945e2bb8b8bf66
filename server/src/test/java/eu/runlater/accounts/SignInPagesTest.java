package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class SignInPagesTest extends ServerTest {
  private static final Pattern LINK = Pattern.compile("(http://\\S+)");
  @Autowired JdbcClient jdbc;

  @Test
  void pages_need_a_session_and_send_strangers_to_sign_in() {
    Browser browser = new Browser(port);
    var home = browser.get("/");
    assertThat(home.status()).isEqualTo(302);
    assertThat(home.redirectPath()).isEqualTo("/login");
    assertThat(browser.htmx("/jobs").headers()).containsKey("hx-redirect");
    assertThat(browser.get("/login").status()).isEqualTo(200);
    // The API chain is unchanged: no session, problem details.
    assertThat(api.get("/api/v1/organization", null).status()).isEqualTo(401);
  }

  @Test
  void the_first_account_signs_up_by_magic_link_and_owns_the_default_organization() {
    jdbc.sql("DELETE FROM instance_settings WHERE key = 'first_account_at'").update();
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "first-" + System.nanoTime() + "@example.com";
    var sent = browser.post("/signup", Map.of("email", email, "password", ""));
    assertThat(sent.redirectPath()).isEqualTo("/login/check-mail");

    String link = linkIn(latestMailTo(email));
    assertThat(link).contains("/login/magic?token=");
    // Opening the link only shows a button: a mail scanner's GET spends nothing.
    var confirm = browser.get(link);
    assertThat(confirm.status()).isEqualTo(200);
    assertThat(confirm.body()).contains("Continue");
    String token = link.substring(link.indexOf("token=") + 6);
    var signedIn = browser.post("/login/ott", Map.of("token", token));
    assertThat(signedIn.redirectPath()).as(signedIn + signedIn.body()).isEqualTo("/");
    assertThat(browser.get("/").body()).contains("Default");

    User user = users().findByEmail(email).orElseThrow();
    assertThat(user.superadmin()).isTrue();
    assertThat(user.confirmed()).isTrue();
    assertThat(users().memberships(user.id()))
        .extracting(Membership::organizationName, Membership::role)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Default", Role.OWNER));

    // The link worked once.
    Browser other = new Browser(port);
    other.get(link);
    assertThat(other.post("/login/ott", Map.of("token", token)).redirectPath())
        .isEqualTo("/login?expired");
  }

  @Test
  void later_accounts_get_an_organization_of_their_own_and_a_hashed_password() {
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "later-" + System.nanoTime() + "@example.com";
    browser.post("/signup", Map.of("email", email, "password", "a long enough password"));
    User user = users().findByEmail(email).orElseThrow();
    assertThat(user.superadmin()).isFalse();
    assertThat(user.confirmed()).isFalse();
    assertThat(users().memberships(user.id()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.role()).isEqualTo(Role.OWNER);
              assertThat(m.tier()).isEqualTo(Tier.FREE);
            });
    String hash =
        jdbc.sql("SELECT hashed_password FROM users WHERE id = :id")
            .param("id", user.id())
            .query(String.class)
            .single();
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

    // Signs in with the password before confirming; the page asks to confirm.
    Browser again = new Browser(port);
    again.get("/login");
    var page = again.post("/login", Map.of("email", email, "password", "a long enough password"));
    assertThat(page.redirectPath()).isEqualTo("/");
    assertThat(again.get("/").body()).contains("Confirm your email address");
  }

  @Test
  void sign_up_and_magic_links_answer_the_same_whether_or_not_the_address_has_an_account() {
    var existing = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port);
    browser.get("/signup");
    var again = browser.post("/signup", Map.of("email", existing.email(), "password", ""));
    assertThat(again.redirectPath()).isEqualTo("/login/check-mail");
    assertThat(latestMailTo(existing.email()).subject()).contains("already have");

    browser.get("/login");
    String nobody = "nobody-" + System.nanoTime() + "@example.com";
    var unknown = browser.post("/ott/generate", Map.of("username", nobody));
    var known = browser.post("/ott/generate", Map.of("username", existing.email()));
    assertThat(unknown.redirectPath())
        .isEqualTo(known.redirectPath())
        .isEqualTo("/login/check-mail");
    assertThat(mailTo(nobody)).isEmpty();
    assertThat(latestMailTo(existing.email()).subject()).isEqualTo("Your Runlater sign-in link");
  }

  @Test
  void sign_in_attempts_are_limited_per_address() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port);
    browser.get("/login");
    for (int i = 0; i < SignInLimiter.PER_EMAIL; i++) {
      assertThat(
              browser
                  .post("/login", Map.of("email", user.email(), "password", "wrong"))
                  .redirectPath())
          .isEqualTo("/login?error");
    }
    // Over the limit even the right password is refused, before it is checked.
    assertThat(
            browser
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/login?locked");
    // Another address from elsewhere is unaffected.
    var other = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    signIn(other);
  }

  @Test
  void a_password_reset_sets_the_password_once_and_ends_other_sessions() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser old = signIn(user);
    assertThat(old.get("/").status()).isEqualTo(200);

    Browser browser = new Browser(port);
    browser.get("/password/forgot");
    assertThat(browser.post("/password/forgot", Map.of("email", user.email())).redirectPath())
        .isEqualTo("/login/check-mail");
    String link = linkIn(latestMailTo(user.email()));
    assertThat(browser.get(link).body()).contains("New password");
    String token = link.substring(link.indexOf("token=") + 6);
    var tooShort = browser.post("/password/reset", Map.of("token", token, "password", "short"));
    assertThat(tooShort.status()).isEqualTo(200);
    assertThat(tooShort.body()).contains("at least 10 characters");
    var done =
        browser.post("/password/reset", Map.of("token", token, "password", "a brand new password"));
    assertThat(done.redirectPath()).isEqualTo("/login");
    assertThat(
            browser
                .post("/password/reset", Map.of("token", token, "password", "yet another password"))
                .body())
        .contains("expired or was already used");

    assertThat(old.get("/").redirectPath()).isEqualTo("/login");
    Browser fresh = new Browser(port);
    fresh.get("/login");
    assertThat(
            fresh
                .post("/login", Map.of("email", user.email(), "password", "a brand new password"))
                .redirectPath())
        .isEqualTo("/");
  }

  @Test
  void forms_without_the_csrf_token_are_refused_and_change_nothing() {
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "csrf-" + System.nanoTime() + "@example.com";
    var refused = browser.postRaw("/signup", Map.of("email", email, "password", ""));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(users().findByEmail(email)).isEmpty();
  }

  @Test
  void the_session_cookie_is_http_only_and_same_site_and_sign_out_ends_it() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port);
    browser.get("/login");
    var page = browser.post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    List<String> setCookie = page.headers().get("set-cookie");
    assertThat(setCookie)
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("runlater_session=")
                    .contains("HttpOnly")
                    .contains("SameSite=Lax"));
    browser.get("/");
    assertThat(browser.post("/logout", Map.of()).redirectPath()).isEqualTo("/login?signed-out");
    assertThat(browser.get("/").redirectPath()).isEqualTo("/login");
  }

  @Test
  void behind_an_https_proxy_the_session_cookie_is_secure() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response =
        client.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/login"))
                .header("X-Forwarded-Proto", "https")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(response.headers().allValues("set-cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("runlater_session=").contains("Secure"));
    var plain =
        client.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/login"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(plain.headers().allValues("set-cookie"))
        .allSatisfy(c -> assertThat(c).doesNotContain("Secure"));
  }

  @Test
  void pages_that_do_not_exist_render_the_apps_404_page() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = signIn(user);
    var page = browser.get("/no/such/page");
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.body()).contains("Not found").contains("Back to the dashboard");
    assertThat(browser.get("/dev/mailbox/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
  }

  private Users users() {
    return applicationContext.getBean(Users.class);
  }

  @Autowired org.springframework.context.ApplicationContext applicationContext;

  private List<eu.runlater.platform.mail.DevMailbox.Message> mailTo(String email) {
    return jdbc.sql(
            "SELECT id, recipient, subject, body, sent_at FROM dev_mailbox WHERE recipient = :to ORDER BY sent_at DESC")
        .param("to", email)
        .query(
            (rs, n) ->
                new eu.runlater.platform.mail.DevMailbox.Message(
                    rs.getObject("id", java.util.UUID.class),
                    rs.getString("recipient"),
                    rs.getString("subject"),
                    rs.getString("body"),
                    rs.getTimestamp("sent_at").toInstant()))
        .list();
  }

  private eu.runlater.platform.mail.DevMailbox.Message latestMailTo(String email) {
    return mailTo(email).getFirst();
  }

  private static String linkIn(eu.runlater.platform.mail.DevMailbox.Message mail) {
    Matcher m = LINK.matcher(mail.body());
    assertThat(m.find()).as("a link in: " + mail.body()).isTrue();
    return m.group(1);
  }
}
