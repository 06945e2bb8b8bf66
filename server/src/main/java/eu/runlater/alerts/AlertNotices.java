package eu.runlater.alerts;

import static eu.runlater.alerts.AlertChannelsQueries.CHANNELS_OF_RULE;
import static eu.runlater.alerts.AlertChannelsQueries.MEMBER_EMAILS_BY_ROLE;
import static eu.runlater.alerts.AlertChannelsQueries.ORGANIZATION_NAME;

import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.database.Rows;
import eu.runlater.platform.web.PublicUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Notices: something waits for people (an approval), which is no incident — nothing failed, nothing
 * recovers. A notice goes at once, in the caller's transaction (so it is sent if and only if what
 * it tells of commits), to the channels the subject's rule names: an email channel mails the people
 * the notice concerns instead of its own addresses, once however many email channels there are; the
 * other channels get the message as they get alerts. PagerDuty is left out: a notice would page
 * someone and never resolve. A muted subject sends none; maintenance windows do not hold notices
 * back (they quiet failures, not requests for a decision).
 */
@Component
public class AlertNotices {
  // Looked up at the first notice: the sender needs the engine, whose outcome hooks (a workflow's
  // step ends, an approval escalates) send notices, so it cannot exist before them.
  private final ObjectProvider<ChannelSender> sender;
  private final PublicUrl publicUrl;

  AlertNotices(ObjectProvider<ChannelSender> sender, PublicUrl publicUrl) {
    this.sender = sender;
    this.publicUrl = publicUrl;
  }

  /**
   * One notice.
   *
   * @param subjectKind the kind of its subject ({@code workflow}), whose rule picks the channels
   * @param subjectName the subject as people know it
   * @param subjectPath the subject's page, from the root
   * @param headline one line ("Approval waiting: deploy → sign_off")
   * @param text what waits, in words, for the message's body
   * @param emails the people it concerns, by email
   * @param roles and by role in the organization (its members with that role)
   * @param actionLabel what they are to do ("Decide in the approvals inbox")
   * @param actionPath where, from the root
   */
  public record Notice(
      UUID organizationId,
      String subjectKind,
      UUID subjectId,
      String subjectName,
      String subjectPath,
      String headline,
      String text,
      List<String> emails,
      List<String> roles,
      String actionLabel,
      String actionPath,
      Instant at) {}

  /** Sends {@code notice} on its channels; returns how many messages it made. */
  public int send(Connection connection, Notice notice) throws SQLException {
    JdbcClient sql = ConnectionSql.on(connection);
    UUID org = notice.organizationId();
    RuleBook book = RuleBook.load(sql, List.of(org), List.of(notice.subjectId()));
    RuleSettings rule = book.effective(org, notice.subjectKind(), notice.subjectId());
    if (rule.mutedAt(notice.at())) {
      return 0;
    }
    record Target(UUID id, String kind) {}
    List<Target> channels =
        sql.sql(CHANNELS_OF_RULE)
            .param("organization_id", org)
            .param(
                "ids", rule.channelIds() == null ? null : AlertRules.uuidArray(rule.channelIds()))
            .query(Rows.of(Target.class))
            .list();
    if (channels.isEmpty()) {
      return 0;
    }
    LinkedHashSet<String> to = new LinkedHashSet<>(notice.emails());
    if (!notice.roles().isEmpty()) {
      to.addAll(
          sql.sql(MEMBER_EMAILS_BY_ROLE)
              .param("organization_id", org)
              .param("roles", notice.roles().toArray(String[]::new))
              .query(String.class)
              .list());
    }
    String orgName = sql.sql(ORGANIZATION_NAME).param("id", org).query(String.class).single();
    AlertMessage message = message(notice, orgName);
    int sent = 0;
    boolean mailed = false;
    for (Target channel : channels) {
      ChannelKind kind = ChannelKind.fromApi(channel.kind());
      if (kind == ChannelKind.PAGERDUTY) {
        continue;
      }
      if (kind == ChannelKind.EMAIL) {
        if (mailed || to.isEmpty()) {
          continue;
        }
        mailed = true;
        sender.getObject().enqueue(connection, channel.id(), message, List.copyOf(to));
      } else {
        sender.getObject().enqueue(connection, channel.id(), message);
      }
      sent++;
    }
    return sent;
  }

  private AlertMessage message(Notice n, String orgName) {
    AlertMessage.Item item =
        new AlertMessage.Item(
            null,
            AlertMessage.NOTICE,
            n.subjectKind(),
            n.subjectId(),
            n.subjectName(),
            publicUrl.of(n.subjectPath()),
            "waiting",
            n.text(),
            n.at(),
            null,
            0,
            null,
            null,
            null,
            null,
            publicUrl.of("/alerts/mute?subject=" + n.subjectKind() + ":" + n.subjectId()),
            null,
            n.actionLabel(),
            publicUrl.of(n.actionPath()));
    return new AlertMessage(
        n.organizationId(),
        orgName,
        AlertMessage.NOTICE,
        n.headline(),
        List.of(item),
        n.at(),
        publicUrl.of("/notifications"));
  }
}
