package eu.runlater.platform.mail;

import eu.runlater.engine.Ids;
import eu.runlater.engine.db.SqlTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Without {@code SMTP_URL}, mail is written to the log and kept in the database for {@code
 * /dev/mailbox}, newest first; only the newest {@value #KEPT} messages stay.
 */
public final class DevMailbox implements Mailer {
  static final int KEPT = 200;
  private static final Logger log = LoggerFactory.getLogger(DevMailbox.class);

  private static final String INSERT =
      """
      INSERT INTO dev_mailbox (id, recipient, subject, body, sent_at)
      VALUES (:id, :recipient, :subject, :body, :now)
      """;
  private static final String TRIM =
      """
      DELETE FROM dev_mailbox WHERE id IN (
        SELECT id FROM dev_mailbox ORDER BY sent_at DESC, id DESC OFFSET :kept)
      """;
  private static final String LIST =
      """
      SELECT id, recipient, subject, body, sent_at FROM dev_mailbox
      ORDER BY sent_at DESC, id DESC LIMIT :limit
      """;
  private static final String GET =
      "SELECT id, recipient, subject, body, sent_at FROM dev_mailbox WHERE id = :id";

  /** One message as the mailbox page shows it. */
  public record Message(UUID id, String recipient, String subject, String body, Instant sentAt) {}

  private final JdbcClient jdbc;
  private final InstantSource clock;

  DevMailbox(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public void send(Mail mail) {
    Instant now = clock.instant();
    jdbc.sql(INSERT)
        .param("id", Ids.v7(now))
        .param("recipient", mail.to())
        .param("subject", mail.subject())
        .param("body", mail.body())
        .param("now", SqlTime.ts(now))
        .update();
    jdbc.sql(TRIM).param("kept", KEPT).update();
    // No SMTP_URL: the log is one of the two places this instance's mail goes (see README).
    log.info(
        "Mail to {} (no SMTP_URL: also at /dev/mailbox)\nSubject: {}\n\n{}",
        mail.to(),
        mail.subject(),
        mail.body());
  }

  public List<Message> latest(int limit) {
    return jdbc.sql(LIST).param("limit", limit).query(DevMailbox::map).list();
  }

  public Optional<Message> find(UUID id) {
    return jdbc.sql(GET).param("id", id).query(DevMailbox::map).optional();
  }

  private static Message map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Message(
        rs.getObject("id", UUID.class),
        rs.getString("recipient"),
        rs.getString("subject"),
        rs.getString("body"),
        rs.getTimestamp("sent_at").toInstant());
  }
}
