package eu.runlater.platform.mail;

import java.net.InetAddress;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends over the SMTP server {@code SMTP_URL} names, in the background: a request that mails
 * answers as fast, and the same way, as one that does not (so neither the time an SMTP conversation
 * takes nor its failure tells whether an address has an account). One sender thread; up to {@value
 * #BACKLOG} messages wait; a failure is logged and the message dropped. On shutdown, mail already
 * accepted gets {@code 10 s} to go out.
 */
final class SmtpMailer implements Mailer, AutoCloseable {
  static final int BACKLOG = 1_000;
  private static final Logger log = LoggerFactory.getLogger(SmtpMailer.class);
  private final JavaMailSenderImpl sender = new JavaMailSenderImpl();
  private final String from;
  private final ThreadPoolExecutor outbox =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(BACKLOG),
          Thread.ofPlatform().name("runlater-mail").daemon().factory(),
          (task, pool) ->
              log.warn("Mail backlog full ({} messages): a message was dropped", BACKLOG));

  SmtpMailer(SmtpUrl url) {
    sender.setHost(url.host());
    sender.setPort(url.port());
    sender.setProtocol(url.tls() ? "smtps" : "smtp");
    sender.setUsername(url.username());
    sender.setPassword(url.password());
    sender.setDefaultEncoding("UTF-8");
    sender.setJavaMailProperties(javaMailProperties(url));
    this.from = url.from();
  }

  @Override
  public void send(Mail mail) {
    outbox.execute(
        () -> {
          try {
            deliver(mail);
          } catch (RuntimeException e) {
            log.warn("Could not send “{}” to {}: {}", mail.subject(), mail.to(), e.toString());
          }
        });
  }

  void deliver(Mail mail) {
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom(from);
    message.setTo(mail.to());
    message.setSubject(mail.subject());
    message.setText(mail.body());
    sender.send(message);
  }

  /**
   * Sends a text-and-HTML message now, on the caller's thread (alert mail is a task of the engine:
   * the engine retries and records it). A 5xx reply is a refusal for good; anything else that goes
   * wrong (no connection, a 4xx reply, a timeout) is worth retrying.
   */
  @Override
  public String sendNow(RichMail mail) throws java.io.IOException, MailRefusedException {
    try {
      jakarta.mail.internet.MimeMessage message = sender.createMimeMessage();
      var helper = new org.springframework.mail.javamail.MimeMessageHelper(message, true, "UTF-8");
      helper.setFrom(from);
      helper.setTo(mail.to().toArray(String[]::new));
      helper.setSubject(mail.subject());
      helper.setText(mail.text(), mail.html());
      sender.send(message);
      return "250 accepted by " + sender.getHost() + " for " + String.join(", ", mail.to());
    } catch (jakarta.mail.MessagingException e) {
      throw new java.io.IOException("could not build the message: " + e.getMessage(), e);
    } catch (org.springframework.mail.MailSendException e) {
      int code = replyCode(e);
      if (code >= 500) {
        throw new MailRefusedException(code, e.getMostSpecificCause().getMessage());
      }
      throw new java.io.IOException(e.getMostSpecificCause().getMessage(), e);
    } catch (org.springframework.mail.MailException e) {
      throw new java.io.IOException(e.getMostSpecificCause().getMessage(), e);
    }
  }

  /** The SMTP reply code somewhere in a failure's causes, or 0. */
  static int replyCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.springframework.mail.MailSendException send) {
        for (Exception e : send.getMessageExceptions()) {
          int code = replyCode(e);
          if (code > 0) {
            return code;
          }
        }
      }
      // Angus Mail's SMTP exceptions carry the reply code; it is a runtime-only dependency.
      try {
        Object code = t.getClass().getMethod("getReturnCode").invoke(t);
        if (code instanceof Integer c && c > 0) {
          return c;
        }
      } catch (ReflectiveOperationException notAnSmtpFailure) {
        // keep looking down the causes
      }
      if (t instanceof jakarta.mail.SendFailedException sf
          && sf.getNextException() != null
          && sf.getNextException() != t) {
        int code = replyCode(sf.getNextException());
        if (code > 0) {
          return code;
        }
      }
    }
    return 0;
  }

  /**
   * How JavaMail talks to the server. Mail carries sign-in links, so beyond this machine it never
   * travels in the clear and never to an impostor: STARTTLS is required (a server, or someone in
   * between, that does not offer it fails the send; {@code smtps} is TLS from the start), and the
   * certificate must be trusted by the JVM's trust store and name the host. There is no opt-out: a
   * relay without TLS has to run on this machine. A relay on loopback ({@code localhost},
   * 127.0.0.0/8, ::1) may speak plain SMTP; STARTTLS is still used when it offers it.
   */
  static Properties javaMailProperties(SmtpUrl url) {
    Properties props = new Properties();
    String p = "mail." + (url.tls() ? "smtps" : "smtp") + ".";
    boolean remote = !loopback(url.host());
    props.put(p + "auth", String.valueOf(url.username() != null));
    props.put(p + "starttls.enable", "true");
    props.put(p + "starttls.required", String.valueOf(remote && !url.tls()));
    props.put(p + "ssl.checkserveridentity", String.valueOf(remote));
    props.put(p + "connectiontimeout", "10000");
    props.put(p + "timeout", "10000");
    props.put(p + "writetimeout", "10000");
    return props;
  }

  static boolean loopback(String host) {
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if ("localhost".equalsIgnoreCase(literal)) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(literal).isLoopbackAddress();
    } catch (IllegalArgumentException notAnAddress) {
      // A name other than localhost may resolve anywhere (and differently tomorrow): remote.
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    outbox.shutdown();
    if (!outbox.awaitTermination(10, TimeUnit.SECONDS)) {
      log.warn("Stopped with {} message(s) not sent", outbox.shutdownNow().size());
    }
  }
}
