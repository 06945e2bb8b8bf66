package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sending at once: a relay that refuses the message for good (5xx) is a {@link
 * MailRefusedException} carrying its reply; one that cannot be reached is an {@link IOException},
 * which the engine retries.
 */
class MailSendNowTest {
  static final RichMail MAIL =
      new RichMail(List.of("nobody@example.com"), "Alert", "text part", "<p>html part</p>");

  @Test
  void a_5xx_reply_is_a_refusal_with_the_relays_words() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread relay = Thread.ofVirtual().start(() -> refuseRecipients(server));
      SmtpMailer mailer =
          new SmtpMailer(SmtpUrl.parse("smtp://127.0.0.1:" + server.getLocalPort()));
      assertThatThrownBy(() -> mailer.sendNow(MAIL))
          .isInstanceOf(MailRefusedException.class)
          .satisfies(e -> assertThat(((MailRefusedException) e).code()).isEqualTo(550))
          .hasMessageContaining("no such user");
      relay.join(5_000);
    }
  }

  @Test
  void an_unreachable_relay_is_an_io_exception() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    SmtpMailer mailer = new SmtpMailer(SmtpUrl.parse("smtp://127.0.0.1:" + port));
    assertThatThrownBy(() -> mailer.sendNow(MAIL)).isInstanceOf(IOException.class);
  }

  @Test
  void the_dev_mailbox_keeps_one_copy_per_recipient() {
    DevMailbox box = new DevMailbox(java.time.InstantSource.system(), 10);
    String answer =
        box.sendNow(
            new RichMail(List.of("a@example.com", "b@example.com"), "S", "text", "<p>h</p>"));
    assertThat(answer).isEqualTo("stored in the dev mailbox");
    assertThat(box.latest(10))
        .extracting(DevMailbox.Message::recipient)
        .containsExactly("b@example.com", "a@example.com");
    assertThat(box.latest(10).getFirst().body()).isEqualTo("text");
  }

  /** A relay that greets, then refuses every recipient with 550. */
  private static void refuseRecipients(ServerSocket server) {
    try (Socket s = server.accept();
        var in =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
      out.print("220 relay.test ESMTP\r\n");
      out.flush();
      String line;
      while ((line = in.readLine()) != null) {
        String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
        switch (command) {
          case "EHLO", "HELO" -> out.print("250 relay.test\r\n");
          case "RCPT" -> out.print("550 5.1.1 <nobody@example.com>: no such user\r\n");
          case "QUIT" -> {
            out.print("221 bye\r\n");
            out.flush();
            return;
          }
          default -> out.print("250 ok\r\n");
        }
        out.flush();
      }
    } catch (IOException ignored) {
      // the client hung up
    }
  }
}
