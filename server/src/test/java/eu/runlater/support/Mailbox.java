package eu.runlater.support;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads the dev mailbox (mail goes there without SMTP_URL), newest first. */
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

  private final JdbcClient jdbc;

  public Mailbox(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Message> to(String email) {
    return jdbc.sql(
            """
            SELECT recipient, subject, body FROM dev_mailbox WHERE lower(recipient) = lower(:to)
            ORDER BY sent_at DESC, id DESC
            """)
        .param("to", email)
        .query(
            (rs, n) ->
                new Message(
                    rs.getString("recipient"), rs.getString("subject"), rs.getString("body")))
        .list();
  }

  public Message latestTo(String email) {
    List<Message> mail = to(email);
    if (mail.isEmpty()) {
      throw new AssertionError("no mail to " + email);
    }
    return mail.getFirst();
  }
}
