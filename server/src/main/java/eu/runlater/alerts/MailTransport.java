package eu.runlater.alerts;

import eu.runlater.engine.Transport;
import eu.runlater.platform.engine.SchemeTransport;
import eu.runlater.platform.mail.MailRefusedException;
import eu.runlater.platform.mail.Mailer;
import eu.runlater.platform.mail.RichMail;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * Delivers alert mail for the engine: a task to {@code mailto:a@example.com,b@example.com} whose
 * body is {@code {"subject", "text", "html"}} is sent at once through the instance's {@link Mailer}
 * (SMTP, or the dev mailbox without {@code SMTP_URL}). The relay's acceptance is a 200 with its
 * reply as the answer; a relay that cannot be reached or answers 4xx is an {@link IOException}
 * (retried); a 5xx refusal is a 422 with the relay's reply (not retried: it would say the same).
 */
@Configuration(proxyBeanMethods = false)
class MailTransport {

  @Bean
  SchemeTransport mailtoTransport(Mailer mailer) {
    return new SchemeTransport("mailto", message -> send(mailer, message));
  }

  static Transport.Answer send(Mailer mailer, Transport.Message message) throws IOException {
    List<String> to =
        Arrays.stream(message.target().getRawSchemeSpecificPart().split("\\?", 2)[0].split(","))
            .map(r -> URLDecoder.decode(r, StandardCharsets.UTF_8).strip())
            .filter(r -> !r.isEmpty())
            .toList();
    if (to.isEmpty()) {
      return answer(
          422, "no recipients: the channel's roles have no members and it lists no address");
    }
    JsonNode body = ChatFormats.JSON.readTree(message.body());
    RichMail mail =
        new RichMail(
            to,
            body.path("subject").asString(""),
            body.path("text").asString(""),
            body.path("html").asString(""));
    try {
      return Transport.Answer.ok(mailer.sendNow(mail));
    } catch (MailRefusedException e) {
      return answer(422, e.code() + " " + e.getMessage());
    }
  }

  private static Transport.Answer answer(int status, String text) {
    return new Transport.Answer(status, List.of(), text.getBytes(StandardCharsets.UTF_8));
  }
}
