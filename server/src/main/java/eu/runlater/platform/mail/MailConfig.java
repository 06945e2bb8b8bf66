package eu.runlater.platform.mail;

import eu.runlater.platform.RunlaterProperties;
import eu.runlater.platform.web.PublicUrl;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses where mail goes: {@code SMTP_URL}, or the dev mailbox when it is unset. */
@Configuration(proxyBeanMethods = false)
class MailConfig {
  private static final Logger log = LoggerFactory.getLogger(MailConfig.class);

  @Bean
  Mailer mailer(
      @Value("${runlater.smtp-url:}") String smtpUrl,
      RunlaterProperties properties,
      PublicUrl publicUrl,
      InstantSource clock) {
    if (smtpUrl == null || smtpUrl.isBlank()) {
      log.info(
          "No SMTP_URL: mail goes to /dev/mailbox (for the superadmin); the log names each mail,"
              + " and holds its body only at DEBUG for {}",
          DevMailbox.class.getName());
      return new DevMailbox(clock, () -> publicUrl.of("/dev/mailbox"));
    }
    if (properties.baseUrl() == null || properties.baseUrl().isBlank()) {
      // Mailed links carry sign-in and reset tokens: built from the Host header of whoever asked,
      // they could point at someone else's server.
      throw new IllegalStateException(
          "SMTP_URL is set, so RUNLATER_BASE_URL must be too: the links in mail are built from it"
              + " (e.g. RUNLATER_BASE_URL=https://runlater.example.com)");
    }
    SmtpUrl url = SmtpUrl.parse(smtpUrl);
    log.info("Mail goes through {}", url);
    return new SmtpMailer(url);
  }
}
