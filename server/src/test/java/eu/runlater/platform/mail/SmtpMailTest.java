package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With SMTP_URL set, account mail goes to a real SMTP server and the dev mailbox is gone. */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
class SmtpMailTest extends ServerTest {
  static final GreenMail SMTP = start();

  private static GreenMail start() {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.setUser("runlater", "p@ss word");
    mail.start();
    return mail;
  }

  @DynamicPropertySource
  static void smtp(DynamicPropertyRegistry registry) {
    registry.add("runlater.base-url", () -> "https://runlater.example.com");
    registry.add(
        "runlater.smtp-url",
        () ->
            "smtp://runlater:p%40ss%20word@127.0.0.1:"
                + SMTP.getSmtp().getPort()
                + "?from=Runlater%20%3Cops@example.com%3E");
  }

  @AfterAll
  static void stop() {
    SMTP.stop();
  }

  @Test
  void sign_up_mail_is_sent_over_smtp_with_the_link_in_it() throws Exception {
    Browser browser = new Browser(port);
    browser.get("/signup");
    String email = "smtp-" + System.nanoTime() + "@example.com";
    assertThat(browser.post("/signup", Map.of("email", email, "password", "")).redirectPath())
        .isEqualTo("/login/check-mail");

    assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
    MimeMessage mail = SMTP.getReceivedMessages()[0];
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(email);
    assertThat(mail.getFrom()[0].toString()).contains("ops@example.com");
    assertThat(mail.getSubject()).isEqualTo("Confirm your email for Runlater");
    String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(mail);
    // Links are built from RUNLATER_BASE_URL, never from the Host header of whoever asked.
    assertThat(body).contains("https://runlater.example.com/login/magic?token=");

    // No dev mailbox when real mail is configured.
    assertThat(browser.get("/dev/mailbox").status()).isEqualTo(404);
    assertThat(browser.get("/login/check-mail").body()).doesNotContain("dev mailbox");
  }
}
