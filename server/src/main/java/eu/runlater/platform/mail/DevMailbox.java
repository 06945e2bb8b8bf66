package eu.runlater.platform.mail;

import eu.runlater.engine.Ids;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without {@code SMTP_URL}, mail is kept in this node's memory for {@code /dev/mailbox}, newest
 * first, and the log says to whom and what about (INFO) but holds the body, live links and all,
 * only at DEBUG on this logger (the operator's way in with no superadmin: README, "Run"); only the
 * newest {@value #KEPT} messages stay (the oldest goes), and a restart empties it. In memory, not
 * in the database: the mail carries live sign-in and reset links, and a copy of the database must
 * not sign anyone in.
 */
public final class DevMailbox implements Mailer {
  public static final int KEPT = 500;
  private static final Logger log = LoggerFactory.getLogger(DevMailbox.class);

  /** One message as the mailbox page shows it. */
  public record Message(UUID id, String recipient, String subject, String body, Instant sentAt) {}

  private final InstantSource clock;
  private final int kept;
  private final Supplier<String> mailboxUrl;
  private final Deque<Message> messages = new ArrayDeque<>(); // newest first

  DevMailbox(InstantSource clock, Supplier<String> mailboxUrl) {
    this(clock, KEPT, mailboxUrl);
  }

  DevMailbox(InstantSource clock, int kept) {
    this(clock, kept, () -> "/dev/mailbox");
  }

  DevMailbox(InstantSource clock, int kept, Supplier<String> mailboxUrl) {
    this.clock = clock;
    this.kept = kept;
    this.mailboxUrl = mailboxUrl;
  }

  @Override
  public void send(Mail mail) {
    Instant now = clock.instant();
    Message message = new Message(Ids.v7(now), mail.to(), mail.subject(), mail.body(), now);
    synchronized (messages) {
      messages.addFirst(message);
      while (messages.size() > kept) {
        messages.removeLast();
      }
    }
    // Never the body at INFO: it holds live sign-in, reset and invitation links, and logs are
    // shipped, kept and read by more people than the superadmin. The body is logged at DEBUG only,
    // for an operator who turns it on to get in (README, "Run"). With SMTP_URL no mail is logged.
    log.info(
        "Mail to {}: {} (no SMTP_URL: read it at {} as the superadmin)",
        mail.to(),
        mail.subject(),
        mailboxUrl.get());
    log.debug("Mail to {}\nSubject: {}\n\n{}", mail.to(), mail.subject(), mail.body());
  }

  /**
   * Keeps a message with a text and an HTML part, once per recipient; the page shows the text part
   * (the HTML part says the same).
   */
  @Override
  public String sendNow(RichMail mail) {
    for (String to : mail.to()) {
      send(new Mail(to, mail.subject(), mail.text()));
    }
    return "stored in the dev mailbox";
  }

  public List<Message> latest(int limit) {
    synchronized (messages) {
      return messages.stream().limit(limit).toList();
    }
  }

  public Optional<Message> find(UUID id) {
    synchronized (messages) {
      return messages.stream().filter(m -> m.id().equals(id)).findFirst();
    }
  }
}
