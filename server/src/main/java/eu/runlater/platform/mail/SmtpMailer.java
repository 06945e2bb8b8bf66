package eu.runlater.platform.mail;

import java.util.Properties;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Sends over the SMTP server {@code SMTP_URL} names. */
final class SmtpMailer implements Mailer {
  private final JavaMailSenderImpl sender = new JavaMailSenderImpl();
  private final String from;

  SmtpMailer(SmtpUrl url) {
    sender.setHost(url.host());
    sender.setPort(url.port());
    sender.setProtocol(url.tls() ? "smtps" : "smtp");
    sender.setUsername(url.username());
    sender.setPassword(url.password());
    sender.setDefaultEncoding("UTF-8");
    Properties props = sender.getJavaMailProperties();
    String p = "mail." + sender.getProtocol() + ".";
    props.put(p + "auth", String.valueOf(url.username() != null));
    props.put(p + "starttls.enable", "true");
    props.put(p + "connectiontimeout", "10000");
    props.put(p + "timeout", "10000");
    props.put(p + "writetimeout", "10000");
    this.from = url.from();
  }

  @Override
  public void send(Mail mail) {
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom(from);
    message.setTo(mail.to());
    message.setSubject(mail.subject());
    message.setText(mail.body());
    sender.send(message);
  }
}
