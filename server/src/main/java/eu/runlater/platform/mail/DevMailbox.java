package eu.runlater.platform.mail;

import eu.runlater.engine.Ids;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without {@code SMTP_URL}, mail is written to the log and kept in this node's memory for {@code
 * /dev/mailbox}, newest first; only the newest {@value #KEPT} messages stay (the oldest goes), and
 * a restart empties it. In memory, not in the database: the mail carries live sign-in and reset
 * links, and a copy of the database must not sign anyone in.
 */
public final class DevMailbox implements Mailer {
  public static final int KEPT = 500;
  private static final Logger log = LoggerFactory.getLogger(DevMailbox.class);

  /** One message as the mailbox page shows it. */
  public record Message(UUID id, String recipient, String subject, String body, Instant sentAt) {}

  private final InstantSource clock;
  private final int kept;
  private final Deque<Message> messages = new ArrayDeque<>(); // newest first

  DevMailbox(InstantSource clock) {
    this(clock, KEPT);
  }

  DevMailbox(InstantSource clock, int kept) {
    this.clock = clock;
    this.kept = kept;
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
    // No SMTP_URL: the log is the other place this instance's mail goes, and the only one before
    // a superadmin can open /dev/mailbox (see README, "Run"). With SMTP_URL no mail is logged.
    log.info(
        "Mail to {} (no SMTP_URL: also at /dev/mailbox)\nSubject: {}\n\n{}",
        mail.to(),
        mail.subject(),
        mail.body());
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
