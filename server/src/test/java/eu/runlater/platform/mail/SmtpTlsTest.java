package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Mail carries sign-in links: beyond this machine it goes over TLS to a server whose certificate
 * names it, or not at all. A relay on loopback may speak plain SMTP.
 */
class SmtpTlsTest {

  @Test
  void a_server_beyond_this_machine_gets_starttls_required_and_its_identity_checked() {
    for (String url :
        new String[] {
          "smtp://u:p@smtp.example.com:587",
          "smtp://smtp.example.com",
          "smtp://192.0.2.10:25",
          "smtp://[2001:db8::1]:25",
          "smtp://mail.internal:1025"
        }) {
      Properties props = SmtpMailer.javaMailProperties(SmtpUrl.parse(url));
      assertThat(props).as(url).containsEntry("mail.smtp.starttls.required", "true");
      assertThat(props).as(url).containsEntry("mail.smtp.ssl.checkserveridentity", "true");
      // Trust comes from the JVM's trust store: nothing trusts every certificate.
      assertThat(props.stringPropertyNames()).as(url).noneMatch(k -> k.endsWith(".ssl.trust"));
      assertThat(props.stringPropertyNames())
          .as(url)
          .noneMatch(k -> k.endsWith(".ssl.socketFactory"));
    }
    Properties smtps = SmtpMailer.javaMailProperties(SmtpUrl.parse("smtps://smtp.example.com"));
    assertThat(smtps).containsEntry("mail.smtps.ssl.checkserveridentity", "true");
  }

  @Test
  void a_relay_on_loopback_may_speak_plain_smtp() {
    for (String url :
        new String[] {
          "smtp://127.0.0.1:25", "smtp://127.1.2.3:25", "smtp://localhost:25", "smtp://[::1]:25"
        }) {
      Properties props = SmtpMailer.javaMailProperties(SmtpUrl.parse(url));
      assertThat(props).as(url).containsEntry("mail.smtp.starttls.required", "false");
      assertThat(props).as(url).containsEntry("mail.smtp.starttls.enable", "true");
    }
  }

  @Test
  void what_a_server_beyond_this_machine_gets_refuses_a_server_without_starttls() {
    // The test's server runs on loopback (tests reach nothing else), so the session is built with
    // the properties a remote host gets and pointed at it: the send fails before any mail goes.
    GreenMail plain = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    plain.start();
    try {
      JavaMailSenderImpl remote = new JavaMailSenderImpl();
      remote.setHost("127.0.0.1");
      remote.setPort(plain.getSmtp().getPort());
      remote.setJavaMailProperties(
          SmtpMailer.javaMailProperties(SmtpUrl.parse("smtp://smtp.example.com:25")));
      SimpleMailMessage message = new SimpleMailMessage();
      message.setFrom("runlater@example.com");
      message.setTo("someone@example.com");
      message.setSubject("Sign in");
      message.setText("https://x.example/login?token=t");
      assertThatThrownBy(() -> remote.send(message))
          .isInstanceOf(MailException.class)
          .hasStackTraceContaining("STARTTLS");
      assertThat(plain.getReceivedMessages()).isEmpty();
    } finally {
      plain.stop();
    }
  }

  @Test
  void a_relay_on_loopback_without_starttls_gets_the_mail() throws Exception {
    GreenMail plain = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    plain.start();
    try {
      SmtpMailer local =
          new SmtpMailer(SmtpUrl.parse("smtp://127.0.0.1:" + plain.getSmtp().getPort()));
      local.deliver(new Mail("someone@example.com", "Sign in", "body"));
      assertThat(plain.getReceivedMessages()).hasSize(1);
      local.close();
    } finally {
      plain.stop();
    }
  }
}
