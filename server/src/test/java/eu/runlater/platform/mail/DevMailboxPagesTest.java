package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dev mailbox holds everyone's sign-in links: only a signed-in superadmin sees it, wherever the
 * request comes from; it lives in memory, never in the database.
 */
class DevMailboxPagesTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired Mailer mailer;

  @Test
  void a_browser_on_this_machine_is_refused_and_pointed_at_the_log() {
    // Directly on loopback, and through a proxy on this machine that is not listed.
    Browser local = new Browser(port);
    var refused = local.get("/dev/mailbox");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("only to the superadmin").contains("server&#39;s log");
    Browser proxied = Browser.connectingFrom(port, "127.0.0.2");
    assertThat(proxied.get("/dev/mailbox").status()).isEqualTo(403);
  }

  @Test
  void a_spoofed_loopback_address_does_not_open_the_mailbox() {
    // A peer in what Tomcat's defaults trusted (127/8, 10/8, …) claims to be this machine.
    Browser spoofing =
        Browser.connectingFrom(port, "127.0.0.3").header("X-Forwarded-For", "127.0.0.1");
    assertThat(spoofing.get("/dev/mailbox").status()).isEqualTo(403);
    Browser forwarded =
        Browser.connectingFrom(port, "127.0.0.3").header("Forwarded", "for=127.0.0.1");
    assertThat(forwarded.get("/dev/mailbox").status()).isEqualTo(403);
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
    assertThat(refused.body()).contains("only to the superadmin").doesNotContain("/login/magic");
    String id = ((DevMailbox) mailer).latest(1).getFirst().id().toString();
    assertThat(stranger.get("/dev/mailbox/" + id).status()).isEqualTo(403);

    Browser member = signedInFrom("203.0.113.51", user);
    assertThat(member.get("/dev/mailbox").status()).isEqualTo(403);

    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    Browser superadmin = signedInFrom("203.0.113.52", user);
    assertThat(superadmin.get("/dev/mailbox").status()).isEqualTo(200);
    assertThat(superadmin.get("/dev/mailbox/" + id).body()).contains("/login/magic");
  }

  @Test
  void a_superadmin_demoted_in_the_database_loses_the_mailbox_in_the_same_session() {
    var user = fixtures.user(fixtures.tenant().id(), Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    Browser session = signedInFrom("203.0.113.55", user);
    assertThat(session.get("/dev/mailbox").status()).isEqualTo(200);
    jdbc.sql("UPDATE users SET superadmin = false WHERE id = :id").param("id", user.id()).update();
    assertThat(session.get("/dev/mailbox").status()).isEqualTo(403);
    mailer.send(new Mail(user.email(), "a mail", "body"));
    String id = ((DevMailbox) mailer).latest(1).getFirst().id().toString();
    assertThat(session.get("/dev/mailbox/" + id).status()).isEqualTo(403);
  }

  @Test
  void the_log_names_each_mail_at_info_but_holds_its_link_only_at_debug() {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Logger logger = (Logger) LoggerFactory.getLogger(DevMailbox.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    Level before = logger.getLevel();
    try {
      String atInfo = askForResetLink("203.0.113.53", user.email());
      assertThat(captured.list).isNotEmpty();
      assertThat(captured.list)
          .allSatisfy(
              event -> {
                assertThat(event.getLevel()).isEqualTo(Level.INFO);
                assertThat(event.getFormattedMessage())
                    .doesNotContain(atInfo)
                    .doesNotContain("token=")
                    .contains(user.email(), "/dev/mailbox");
              });

      // The operator's way in without a superadmin: DEBUG on this logger shows the whole mail.
      captured.list.clear();
      logger.setLevel(Level.DEBUG);
      String atDebug = askForResetLink("203.0.113.54", user.email());
      assertThat(captured.list)
          .filteredOn(event -> event.getFormattedMessage().contains(atDebug))
          .extracting(ILoggingEvent::getLevel)
          .containsExactly(Level.DEBUG);
    } finally {
      logger.setLevel(before);
      logger.detachAppender(captured);
    }
  }

  /** Asks for a reset link for {@code email} and returns the token the mail holds. */
  private String askForResetLink(String from, String email) {
    Browser browser = new Browser(port).from(from);
    browser.get("/password/forgot");
    browser.post("/password/forgot", Map.of("email", email));
    DevMailbox.Message mail = ((DevMailbox) mailer).latest(1).getFirst();
    assertThat(mail.recipient()).isEqualTo(email);
    String link = DevMailboxPages.links(mail.body()).getFirst();
    return link.substring(link.indexOf("token=") + 6);
  }

  @Test
  void the_mailbox_keeps_the_newest_messages_in_memory_only() {
    DevMailbox box = new DevMailbox(java.time.InstantSource.system(), 3);
    for (int i = 0; i < 5; i++) {
      box.send(new Mail("n" + i + "@example.com", "subject " + i, "body"));
    }
    assertThat(box.latest(Integer.MAX_VALUE))
        .extracting(DevMailbox.Message::recipient)
        .containsExactly("n4@example.com", "n3@example.com", "n2@example.com");
    // The table that held mail, links and all, is gone.
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'dev_mailbox'")
                .query(Long.class)
                .single())
        .isZero();
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
