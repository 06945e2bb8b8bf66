package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With SMTP_URL set, alert mail goes over real SMTP with a plain-text and an HTML part. */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
class ChannelMailTest extends ServerTest {
  static final GreenMail SMTP = start();

  private static GreenMail start() {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    return mail;
  }

  @DynamicPropertySource
  static void smtp(DynamicPropertyRegistry registry) {
    registry.add("runlater.base-url", () -> "https://runlater.example.com");
    registry.add(
        "runlater.smtp-url",
        () ->
            "smtp://127.0.0.1:"
                + SMTP.getSmtp().getPort()
                + "?from=Runlater%20%3Cops@example.com%3E");
  }

  @AfterAll
  static void stop() {
    SMTP.stop();
  }

  @Test
  void alert_mail_has_text_and_html_parts_with_the_html_escaped() throws Exception {
    var tenant = fixtures.tenant();
    Api.Response channel =
        api.post(
            "/api/v1/alert-channels",
            tenant.key(),
            "{\"name\":\"ops <b>&</b>\",\"kind\":\"email\",\"settings\":{\"addresses\":[\"oncall@example.com\",\"lead@example.com\"]}}");
    assertThat(channel.status()).as(channel.toString()).isEqualTo(201);
    Api.Response test =
        api.post(
            "/api/v1/alert-channels/" + channel.json().path("id").asString() + "/test",
            tenant.key(),
            "");
    assertThat(test.json().path("status").asString()).as(test.toString()).isEqualTo("delivered");
    assertThat(test.json().path("answer").asString())
        .startsWith("250")
        .contains("oncall@example.com");

    assertThat(SMTP.waitForIncomingEmail(10_000, 2)).isTrue();
    MimeMessage mail = SMTP.getReceivedMessages()[0];
    List<String> to = new ArrayList<>();
    for (var address : mail.getAllRecipients()) {
      to.add(address.toString());
    }
    assertThat(to).containsExactlyInAnyOrder("oncall@example.com", "lead@example.com");
    assertThat(mail.getFrom()[0].toString()).contains("ops@example.com");
    assertThat(mail.getSubject())
        .isEqualTo("[Test] Test from Runlater: the ops <b>&</b> channel works");

    String text = null;
    String html = null;
    for (Object part : parts(mail)) {
      var body = (jakarta.mail.BodyPart) part;
      if (body.isMimeType("text/plain")) {
        text = body.getContent().toString();
      } else if (body.isMimeType("text/html")) {
        html = body.getContent().toString();
      }
    }
    assertThat(text)
        .contains("example-job (test)")
        .contains("Last status: 503")
        .contains("Failures in a row: 3");
    assertThat(html)
        .contains("ops &lt;b&gt;&amp;&lt;/b&gt; channel works")
        .doesNotContain("ops <b>")
        .contains("<th align=\"left\">Last status</th><td>503</td>")
        .contains("href=\"https://runlater.example.com/notifications\"");
  }

  /** The parts of a multipart/alternative, found wherever the message nests it. */
  private static List<Object> parts(jakarta.mail.Part part) throws Exception {
    List<Object> out = new ArrayList<>();
    if (part.getContent() instanceof Multipart multi) {
      for (int i = 0; i < multi.getCount(); i++) {
        var child = multi.getBodyPart(i);
        if (child.getContent() instanceof Multipart) {
          out.addAll(parts(child));
        } else {
          out.add(child);
        }
      }
    }
    return out;
  }
}
