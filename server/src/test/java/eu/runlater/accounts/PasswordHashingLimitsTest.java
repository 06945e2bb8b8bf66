package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Password hashing is bounded, and a flood of sign-ins is counted before any is checked. */
class PasswordHashingLimitsTest extends ServerTest {
  private static final int FLOOD = 50;
  @Autowired PasswordEncoder passwords;
  @Autowired JdbcClient jdbc;
  @Autowired UserTokens tokens;

  @Test
  void a_parallel_flood_on_one_address_gets_at_most_the_limit_checked() throws Exception {
    BoundedPasswordEncoder encoder = (BoundedPasswordEncoder) passwords;
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      Browser b = new Browser(port).from("203.0.113.90");
      b.get("/login");
      browsers.add(b);
    }
    long hashesBefore = encoder.hashes();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Browser b : browsers) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  var page = b.post("/login", Map.of("email", user.email(), "password", "wrong"));
                  return page.status() == 302 ? page.redirectPath() : String.valueOf(page.status());
                }));
      }
      start.countDown();
    }
    List<String> outcomes = new ArrayList<>();
    for (Future<String> answer : answers) {
      outcomes.add(answer.get(60, TimeUnit.SECONDS));
    }
    long checked = outcomes.stream().filter("/login?error"::equals).count();
    long locked = outcomes.stream().filter("/login?locked"::equals).count();
    // Every answer when it fails: once under CI load 22 were locked where 45 were expected, and
    // what the 23 others answered was not recorded.
    assertThat(checked)
        .as("outcomes: %s", outcomes)
        .isEqualTo(SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT);
    assertThat(locked)
        .as("outcomes: %s", outcomes)
        .isEqualTo(FLOOD - SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT);
    assertThat(encoder.hashes() - hashesBefore)
        .isLessThanOrEqualTo(SignInLimiter.PASSWORD_PER_EMAIL_AND_CLIENT);
    assertThat(encoder.peakInFlight()).isLessThanOrEqualTo(encoder.permits());
  }

  @Test
  void with_every_hashing_slot_busy_sign_in_and_sign_up_answer_503_with_retry_after() {
    BoundedPasswordEncoder encoder = (BoundedPasswordEncoder) passwords;
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port).from("203.0.113.91");
    browser.get("/login");
    String email = "busy-" + System.nanoTime() + "@example.com";
    int held = encoder.slots().drainPermits();
    try {
      assertThat(held).isEqualTo(encoder.permits());
      var signIn =
          browser.post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD));
      assertThat(signIn.status()).isEqualTo(503);
      assertThat(signIn.headers().get("retry-after")).containsExactly("2");
      assertThat(signIn.body()).contains("Try again");
      // An unknown address hashes too (against a stand-in), and is refused the same way.
      var unknown =
          browser.post("/login", Map.of("email", "nobody@example.com", "password", "whatever"));
      assertThat(unknown.status()).isEqualTo(503);

      browser.get("/signup");
      var signUp =
          browser.post("/signup", Map.of("email", email, "password", "a long enough password"));
      assertThat(signUp.status()).isEqualTo(503);
      assertThat(signUp.headers().get("retry-after")).containsExactly("2");
      assertThat(signUp.body()).contains("Try again in a few seconds");
    } finally {
      encoder.slots().release(held);
    }
    // Nothing was kept: no account, and no attempt counted against the address.
    assertThat(
            jdbc.sql("SELECT count(*) FROM users WHERE email = :email")
                .param("email", email)
                .query(Long.class)
                .single())
        .isZero();
    assertThat(
            jdbc.sql("SELECT count(*) FROM sign_in_failures WHERE kind = 'password' AND email = :e")
                .param("e", user.email())
                .query(Long.class)
                .single())
        .isZero();
    browser.get("/login");
    assertThat(
            browser
                .post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD))
                .redirectPath())
        .isEqualTo("/");
  }

  @Test
  void a_password_reset_refused_as_busy_changes_nothing_and_the_link_still_works() {
    BoundedPasswordEncoder encoder = (BoundedPasswordEncoder) passwords;
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser session = new Browser(port).from("203.0.113.92");
    session.get("/login");
    session.post("/login", Map.of("email", user.email(), "password", Fixtures.PASSWORD));
    assertThat(session.get("/").status()).isEqualTo(200);
    String token = tokens.issue(user.id(), UserTokens.Purpose.RESET_PASSWORD, UserTokens.RESET_TTL);
    String hashBefore = passwordHash(user.id());
    Browser browser = new Browser(port).from("203.0.113.93");
    browser.get("/password/reset?token=" + token);

    int held = encoder.slots().drainPermits();
    try {
      var busy =
          browser.post("/password/reset", Map.of("token", token, "password", "a brand new one!"));
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.headers().get("retry-after")).containsExactly("2");
    } finally {
      encoder.slots().release(held);
    }
    // Nothing changed: the old password and session hold, and the link is still live.
    assertThat(passwordHash(user.id())).isEqualTo(hashBefore);
    assertThat(session.get("/").status()).isEqualTo(200);
    assertThat(tokens.peek(token, UserTokens.Purpose.RESET_PASSWORD)).contains(user.id());
    assertThat(browser.get("/password/reset?token=" + token).body()).contains("New password");
    var done =
        browser.post("/password/reset", Map.of("token", token, "password", "a brand new one!"));
    assertThat(done.redirectPath()).isEqualTo("/login");
    assertThat(passwordHash(user.id())).isNotEqualTo(hashBefore);
  }

  private String passwordHash(java.util.UUID id) {
    return jdbc.sql("SELECT hashed_password FROM users WHERE id = :id")
        .param("id", id)
        .query(String.class)
        .single();
  }
}
