package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.accounts.User;
import eu.runlater.accounts.Users;
import eu.runlater.platform.crypto.Sha256;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The first owner of an instance comes from the one-time setup link, and only from it. */
class SetupTest extends ServerTest {
  private static final String PASSWORD = "the owners own password";
  @Autowired Setup setup;
  @Autowired Users users;
  @Autowired Members members;
  @Autowired JdbcClient jdbc;

  @BeforeEach
  void emptyInstance() {
    jdbc.sql("DELETE FROM memberships").update();
    jdbc.sql("DELETE FROM users").update();
    jdbc.sql("DELETE FROM instance_settings WHERE key = :key")
        .param("key", SetupQueries.SETUP_TOKEN_KEY)
        .update();
  }

  @Test
  void the_setup_link_creates_the_signed_in_owner_once_and_is_stored_only_as_a_hash() {
    String token = setup.issue().orElseThrow();
    assertThat(token).as("256 random bits").hasSize(43);
    assertThat(
            jdbc.sql("SELECT value FROM instance_settings WHERE key = :key")
                .param("key", SetupQueries.SETUP_TOKEN_KEY)
                .query(String.class)
                .single())
        .isEqualTo(HexFormat.of().formatHex(Sha256.of(token)));

    Browser browser = new Browser(port);
    var form = browser.get("/setup?token=" + token);
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("Create owner account");
    // A refused form spends nothing.
    var tooShort =
        browser.post(
            "/setup", Map.of("token", token, "email", "owner@example.com", "password", "short"));
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.body()).contains("at least 10 characters");
    assertThat(users.findByEmail("owner@example.com")).isEmpty();

    var created =
        browser.post(
            "/setup", Map.of("token", token, "email", "Owner@Example.com", "password", PASSWORD));
    assertThat(created.redirectPath()).isEqualTo("/");
    var home = browser.get("/");
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.body()).contains("owner@example.com", "Default", "All organizations (admin)");

    User owner = users.findByEmail("owner@example.com").orElseThrow();
    assertThat(owner.superadmin()).isTrue();
    assertThat(owner.confirmed()).isTrue();
    assertThat(members.memberships(owner.id()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.organizationName()).isEqualTo("Default");
              assertThat(m.role()).isEqualTo(Role.OWNER);
            });
    // The password signs in from elsewhere, with no mail involved.
    Browser later = new Browser(port);
    later.get("/login");
    assertThat(
            later
                .post("/login", Map.of("email", "owner@example.com", "password", PASSWORD))
                .redirectPath())
        .isEqualTo("/");

    // Used: a second use shows so, and changes nothing.
    Browser again = new Browser(port);
    var used = again.get("/setup?token=" + token);
    assertThat(used.status()).isEqualTo(404);
    assertThat(used.body()).contains("already set up");
    again.get("/login");
    var second =
        again.post(
            "/setup", Map.of("token", token, "email", "second@example.com", "password", PASSWORD));
    assertThat(second.status()).isEqualTo(404);
    assertThat(users.findByEmail("second@example.com")).isEmpty();
    // And with a superadmin in place no start issues a link again.
    assertThat(setup.issue()).isEmpty();
  }

  @Test
  void a_wrong_or_replaced_link_shows_a_clear_page_and_changes_nothing() {
    String first = setup.issue().orElseThrow();
    // Within a minute of an issue no other start (another node) issues one.
    assertThat(setup.issue()).isEmpty();
    // A later start replaces it.
    jdbc.sql(
            "UPDATE instance_settings SET updated_at = now() - interval '2 minutes' WHERE key = :k")
        .param("k", SetupQueries.SETUP_TOKEN_KEY)
        .update();
    String second = setup.issue().orElseThrow();
    assertThat(second).isNotEqualTo(first);

    Browser browser = new Browser(port);
    for (String wrong : new String[] {first, "not-a-token", ""}) {
      var page = browser.get("/setup?token=" + wrong);
      assertThat(page.status()).isEqualTo(404);
      assertThat(page.body()).contains("This setup link is not valid", "most recent start");
    }
    browser.get("/login");
    var refused =
        browser.post(
            "/setup", Map.of("token", first, "email", "owner@example.com", "password", PASSWORD));
    assertThat(refused.status()).isEqualTo(404);
    assertThat(users.findByEmail("owner@example.com")).isEmpty();
    assertThat(setup.live(second)).isTrue();
  }

  @Test
  void of_several_nodes_starting_together_exactly_one_issues_a_link() throws Exception {
    int nodes = 8;
    var ready = new java.util.concurrent.CountDownLatch(nodes);
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(nodes)) {
      var issued =
          java.util.stream.IntStream.range(0, nodes)
              .mapToObj(
                  i ->
                      pool.submit(
                          () -> {
                            ready.countDown();
                            ready.await();
                            return setup.issue();
                          }))
              .toList();
      long printed = 0;
      String token = null;
      for (var f : issued) {
        var result = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (result.isPresent()) {
          printed++;
          token = result.get();
        }
      }
      assertThat(printed).isEqualTo(1);
      assertThat(setup.live(token)).isTrue();
    }
  }

  @Test
  void an_address_that_has_an_account_is_refused_and_the_link_keeps_working() {
    var someone = fixtures.user();
    String token = setup.issue().orElseThrow();
    Browser browser = new Browser(port);
    browser.get("/setup?token=" + token);
    var taken =
        browser.post(
            "/setup", Map.of("token", token, "email", someone.email(), "password", PASSWORD));
    assertThat(taken.status()).isEqualTo(400);
    assertThat(taken.body()).contains("already has an account");
    assertThat(users.findByEmail(someone.email()).orElseThrow().superadmin()).isFalse();
    assertThat(setup.live(token)).isTrue();
  }

  @Test
  void no_sign_up_makes_a_superadmin_even_on_an_empty_instance() {
    setup.issue().orElseThrow();
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "stranger-" + System.nanoTime() + "@example.com";
    browser.post("/signup", Map.of("email", email, "password", "a long enough password"));
    User user = users.findByEmail(email).orElseThrow();
    assertThat(user.superadmin()).isFalse();
    assertThat(members.memberships(user.id()))
        .noneMatch(m -> m.organizationName().equals("Default"));
    assertThat(setup.done()).isFalse();
  }

  @Test
  void the_setup_form_needs_its_csrf_token() {
    String token = setup.issue().orElseThrow();
    Browser browser = new Browser(port);
    browser.get("/setup?token=" + token);
    // No CSRF token: refused before anything is read.
    var refused =
        browser.postRaw(
            "/setup", Map.of("token", token, "email", "owner@example.com", "password", PASSWORD));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(setup.live(token)).isTrue();
  }
}
