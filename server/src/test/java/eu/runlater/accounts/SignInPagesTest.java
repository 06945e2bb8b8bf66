package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Members;
import eu.runlater.organizations.Role;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.crypto.Sha256;
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
  void the_first_sign_up_of_an_instance_signs_in_by_magic_link_but_is_no_superadmin() {
    // An instance with nobody in it: the first sign-up used to become superadmin and owner of
    // default. Now only the setup link makes the owner (SetupTest).
    jdbc.sql("DELETE FROM memberships").update();
    jdbc.sql("DELETE FROM users").update();
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

    User user = users().findByEmail(email).orElseThrow();
    assertThat(user.superadmin()).isFalse();
    assertThat(user.confirmed()).isTrue();
    assertThat(members().memberships(user.id()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.organizationName()).isNotEqualTo("Default");
              assertThat(m.tier()).isEqualTo(Tier.FREE);
            });

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
    assertThat(members().memberships(user.id()))
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

    // The password does not sign in before the address is confirmed: a wrong one says so as for
    // anyone; the right one mails a link that confirms, after which the password works.
    Browser again = new Browser(port);
    again.get("/login");
    assertThat(
            again
                .post("/login", Map.of("email", email, "password", "not the password!"))
                .redirectPath())
        .isEqualTo("/login?error");
    int mails = mailTo(email).size();
    var page = again.post("/login", Map.of("email", email, "password", "a long enough password"));
    assertThat(page.redirectPath()).isEqualTo("/login?unconfirmed");
    assertThat(again.get("/login?unconfirmed").body()).contains("Confirm your address first");
    assertThat(again.get("/").redirectPath()).isEqualTo("/login");
    assertThat(mailTo(email)).hasSize(mails + 1);
    String link = linkIn(latestMailTo(email));
    again.get(link);
    assertThat(
            again
                .post("/login/ott", Map.of("token", link.substring(link.indexOf("token=") + 6)))
                .redirectPath())
        .isEqualTo("/");
    assertThat(users().findByEmail(email).orElseThrow().confirmed()).isTrue();
    Browser later = new Browser(port);
    later.get("/login");
    assertThat(
            later
                .post("/login", Map.of("email", email, "password", "a long enough password"))
                .redirectPath())
        .isEqualTo("/");
  }

  @Test
  void a_password_set_by_whoever_signed_up_first_does_not_survive_the_owners_own_sign_up() {
    String email = "taken-" + System.nanoTime() + "@example.com";
    Browser squatter = new Browser(port);
    squatter.get("/signup");
    squatter.post("/signup", Map.of("email", email, "password", "the squatters password"));

    // The owner signs up too, and confirms through the mailed link.
    Browser owner = new Browser(port);
    owner.get("/signup");
    owner.post("/signup", Map.of("email", email, "password", "the owners password"));
    assertThat(latestMailTo(email).subject()).isEqualTo("You already have a Runlater account");
    String link = linkIn(latestMailTo(email));
    owner.get(link);
    assertThat(
            owner
                .post("/login/ott", Map.of("token", link.substring(link.indexOf("token=") + 6)))
                .redirectPath())
        .isEqualTo("/");

    // Neither password signs in now: the account has none until its owner sets one.
    for (String password : List.of("the squatters password", "the owners password")) {
      Browser b = new Browser(port);
      b.get("/login");
      assertThat(b.post("/login", Map.of("email", email, "password", password)).redirectPath())
          .isEqualTo("/login?error");
    }
    assertThat(users().findByEmail(email).orElseThrow().hasPassword()).isFalse();
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
  void a_magic_link_is_stored_only_as_a_hash_and_stops_working_when_it_expires() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port);
    browser.get("/login");
    browser.post("/ott/generate", Map.of("username", user.email()));
    String link = linkIn(latestMailTo(user.email()));
    String token = link.substring(link.indexOf("token=") + 6);
    assertThat(token).as("256 random bits").hasSize(43);

    // What the database holds cannot sign anyone in: the hash, never the token.
    List<byte[]> stored =
        jdbc.sql("SELECT token_hash FROM magic_link_tokens WHERE email = :email")
            .param("email", user.email())
            .query(byte[].class)
            .list();
    assertThat(stored).singleElement().isEqualTo(Sha256.of(token));

    // Past its 15 minutes the link is refused and spent.
    jdbc.sql(
            "UPDATE magic_link_tokens SET expires_at = now() - interval '1 second'"
                + " WHERE email = :email")
        .param("email", user.email())
        .update();
    browser.get(link);
    assertThat(browser.post("/login/ott", Map.of("token", token)).redirectPath())
        .isEqualTo("/login?expired");
    assertThat(browser.get("/").redirectPath()).isEqualTo("/login");
    assertThat(
            jdbc.sql("SELECT count(*) FROM magic_link_tokens WHERE email = :email")
                .param("email", user.email())
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void password_attempts_are_limited_per_address_and_client() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser attacker = new Browser(port).from("203.0.113.7");
    attacker.get("/login");
    for (int i = 0; i < SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT; i++) {
      assertThat(
              attacker
                  .post("/login", Map.of("email", user.email(), "password", "wrong"))
                  .redirectPath())
          .isEqualTo("/login?error");
    }
    // Over the limit even the right password is refused, before it is checked.
    assertThat(
            attacker
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/login?locked");
    // The owner, from another client, still signs in: a stranger cannot lock them out.
    Browser owner = new Browser(port).from("198.51.100.20");
    owner.get("/login");
    assertThat(
            owner
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/");
  }

  @Test
  void asking_for_mail_is_limited_per_address_and_does_not_lock_the_password_out() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser stranger = new Browser(port).from("203.0.113.8");
    stranger.get("/login");
    int before = mailTo(user.email()).size();
    for (int i = 0; i < SignInLimiter.MAIL_PER_EMAIL; i++) {
      assertThat(stranger.post("/ott/generate", Map.of("username", user.email())).redirectPath())
          .isEqualTo("/login/check-mail");
    }
    assertThat(stranger.post("/ott/generate", Map.of("username", user.email())).redirectPath())
        .isEqualTo("/login?locked");
    stranger.get("/password/forgot");
    stranger.post("/password/forgot", Map.of("email", user.email()));
    assertThat(mailTo(user.email())).hasSize(before + SignInLimiter.MAIL_PER_EMAIL);
    // The password still works, from the same client too.
    stranger.get("/login");
    assertThat(
            stranger
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/");
  }

  @Test
  void one_client_cannot_sign_up_without_end() {
    Browser bot = new Browser(port).from("203.0.113.9");
    bot.get("/signup");
    for (int i = 0; i < SignInLimiter.PER_CLIENT; i++) {
      String email = "bot-" + i + "-" + System.nanoTime() + "@example.com";
      assertThat(bot.post("/signup", Map.of("email", email, "password", "")).redirectPath())
          .isEqualTo("/login/check-mail");
    }
    String last = "bot-last-" + System.nanoTime() + "@example.com";
    assertThat(bot.post("/signup", Map.of("email", last, "password", "")).redirectPath())
        .isEqualTo("/login?locked");
    assertThat(users().findByEmail(last)).isEmpty();
  }

  @Test
  void a_password_reset_sets_the_password_once_and_ends_other_sessions() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser old = signIn(user);
    assertThat(old.get("/").status()).isEqualTo(200);

    Browser browser = new Browser(port);
    // Links mailed earlier: another reset, and a magic link.
    browser.get("/password/forgot");
    browser.post("/password/forgot", Map.of("email", user.email()));
    String earlierReset = linkIn(latestMailTo(user.email()));
    browser.get("/login");
    browser.post("/ott/generate", Map.of("username", user.email()));
    String earlierMagic = linkIn(latestMailTo(user.email()));

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
    assertThat(browser.get(earlierReset).body()).contains("expired or was already used");
    browser.get(earlierMagic);
    assertThat(
            browser
                .post(
                    "/login/ott",
                    Map.of("token", earlierMagic.substring(earlierMagic.indexOf("token=") + 6)))
                .redirectPath())
        .isEqualTo("/login?expired");
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
    // The superadmin, who may open the dev mailbox, but not a message that is not there.
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    Browser browser = signIn(user);
    var page = browser.get("/no/such/page");
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.body()).contains("Not found").contains("Back to the dashboard");
    assertThat(browser.get("/dev/mailbox/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
  }

  private Users users() {
    return applicationContext.getBean(Users.class);
  }

  private Members members() {
    return applicationContext.getBean(Members.class);
  }

  @Autowired org.springframework.context.ApplicationContext applicationContext;

  @Autowired eu.runlater.platform.mail.Mailer mailer;

  private List<eu.runlater.platform.mail.DevMailbox.Message> mailTo(String email) {
    return ((eu.runlater.platform.mail.DevMailbox) mailer)
        .latest(eu.runlater.platform.mail.DevMailbox.KEPT).stream()
            .filter(m -> m.recipient().equals(email))
            .toList();
  }

  private eu.runlater.platform.mail.DevMailbox.Message latestMailTo(String email) {
    return mailTo(email).getFirst();
  }

  @Test
  void an_address_of_thousands_of_characters_is_refused_without_an_error_or_a_record() {
    // Random, so that PostgreSQL cannot compress it to fit an index entry.
    var random = new java.util.Random(42);
    StringBuilder local = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      local.append((char) ('a' + random.nextInt(26)));
    }
    String huge = local + "@example.com";
    Browser browser = new Browser(port).from("203.0.113.140");
    browser.get("/login");
    var password = browser.post("/login", Map.of("email", huge, "password", "whatever12"));
    assertThat(password.status()).isEqualTo(302);
    assertThat(password.redirectPath()).isEqualTo("/login?error");
    var link = browser.post("/ott/generate", Map.of("username", huge));
    assertThat(link.status()).isEqualTo(302);
    assertThat(link.redirectPath()).isEqualTo("/login?invalid-email");
    browser.get("/password/forgot");
    var forgot = browser.post("/password/forgot", Map.of("email", huge));
    assertThat(forgot.status()).isEqualTo(302);
    browser.get("/signup");
    var signUp =
        browser.post("/signup", Map.of("email", huge, "password", "a long enough password"));
    assertThat(signUp.status()).isBetween(200, 499);
    for (String table : List.of("sign_in_failures", "magic_link_tokens", "users")) {
      assertThat(
              jdbc.sql("SELECT count(*) FROM " + table + " WHERE length(email) > 254")
                  .query(Long.class)
                  .single())
          .as(table)
          .isZero();
    }
  }

  private static String linkIn(eu.runlater.platform.mail.DevMailbox.Message mail) {
    Matcher m = LINK.matcher(mail.body());
    assertThat(m.find()).as("a link in: " + mail.body()).isTrue();
    return m.group(1);
  }
}
