package eu.runlater.support;

import eu.runlater.platform.mail.DevMailbox;
import eu.runlater.platform.mail.Mailer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the dev mailbox (mail goes there without SMTP_URL; it lives in memory), newest first. */
public final class Mailbox {
  private static final Pattern LINK = Pattern.compile("(http://\\S+)");

  /** One message as the dev mailbox keeps it. */
  public record Message(String recipient, String subject, String body) {
    /** The first link in the body. */
    public String link() {
      Matcher m = LINK.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no link in: " + body);
      }
      return m.group(1);
    }
  }

  private final DevMailbox box;

  public Mailbox(DevMailbox box) {
    this.box = box;
  }

  /**
   * The mailbox of the test context whose {@code jdbc} this is (the mailbox used to be a table;
   * tests that hold only a {@code JdbcClient} keep working).
   */
  public Mailbox(JdbcClient jdbc) {
    this(Contexts.mailboxOf(jdbc));
  }

  public List<Message> to(String email) {
    return box.latest(DevMailbox.KEPT).stream()
        .filter(m -> m.recipient().equalsIgnoreCase(email))
        .map(m -> new Message(m.recipient(), m.subject(), m.body()))
        .toList();
  }

  public Message latestTo(String email) {
    List<Message> mail = to(email);
    if (mail.isEmpty()) {
      throw new AssertionError("no mail to " + email);
    }
    return mail.getFirst();
  }

  /** Remembers each cached test context's mailbox by its {@code JdbcClient}. */
  @Component
  static final class Contexts {
    private static final Map<JdbcClient, DevMailbox> BY_JDBC =
        Collections.synchronizedMap(new IdentityHashMap<>());

    Contexts(JdbcClient jdbc, Mailer mailer) {
      if (mailer instanceof DevMailbox box) {
        BY_JDBC.put(jdbc, box);
      }
    }

    static DevMailbox mailboxOf(JdbcClient jdbc) {
      DevMailbox box = BY_JDBC.get(jdbc);
      if (box == null) {
        throw new AssertionError("this test context has no dev mailbox (is SMTP_URL set?)");
      }
      return box;
    }
  }
}
