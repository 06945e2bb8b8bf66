package eu.runlater.alerts;

import static eu.runlater.alerts.AlertChannelsQueries.*;
import static eu.runlater.alerts.NotificationsQueries.*;

import eu.runlater.engine.Backoff;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TaskRequest;
import eu.runlater.engine.Tasks;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.engine.Priorities;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Hands one message for one channel to the engine, in the caller's transaction: renders it in the
 * channel's shape, writes its row in the notification log and inserts its task (source kind {@code
 * alert}, source id the notification's id; secrets sealed; retried with backoff).
 *
 * <p>PagerDuty gets events, not messages: the openings and reminders of a message go as one {@code
 * trigger} whose dedup key is {@code runlater-<notification id>}; its recoveries resolve each
 * earlier trigger of the channel that covered them once all of that trigger's incidents are closed
 * (several notifications from one message).
 */
@Component
class ChannelSender {
  static final String SOURCE_KIND = "alert";

  private final Tasks tasks;
  private final ChannelFormats formats;
  private final SecretBox box;
  private final InstantSource clock;
  private final AlertChannelProperties properties;

  ChannelSender(
      Tasks tasks,
      ChannelFormats formats,
      SecretBox box,
      InstantSource clock,
      AlertChannelProperties properties) {
    this.tasks = tasks;
    this.formats = formats;
    this.box = box;
    this.clock = clock;
    this.properties = properties;
  }

  /**
   * Returns the notification's id (the first one's, when PagerDuty needed several), or null when
   * there was nothing to send: a PagerDuty recovery whose trigger never went or is resolved.
   */
  UUID enqueue(Connection connection, UUID channelId, AlertMessage message) throws SQLException {
    return enqueue(connection, channelId, message, null);
  }

  /**
   * As {@link #enqueue(Connection, UUID, AlertMessage)}; an email channel mails {@code to} instead
   * of its own addresses when it is not null (a notice for the people it concerns).
   */
  UUID enqueue(Connection connection, UUID channelId, AlertMessage message, List<String> to)
      throws SQLException {
    JdbcClient sql = ConnectionSql.on(connection);
    StoredChannel channel =
        sql.sql(CHANNEL_BY_ID)
            .param("id", channelId)
            .query((rs, n) -> StoredChannel.read(rs, box))
            .optional()
            .orElseThrow(() -> new IllegalArgumentException("no alert channel " + channelId));
    Instant now = clock.instant();
    List<Pending> made = new ArrayList<>();
    if (channel.kind() == ChannelKind.PAGERDUTY) {
      pagerDuty(connection, sql, channel, message, now, made);
    } else {
      UUID id = Ids.v7(now);
      List<String> recipients =
          channel.kind() != ChannelKind.EMAIL
              ? List.of()
              : to != null ? to : recipients(sql, channel);
      made.add(
          new Pending(
              id,
              message.kind(),
              incidentIds(message.items()),
              null,
              formats.render(channel, id, message, recipients)));
    }
    if (made.isEmpty()) {
      return null;
    }
    List<NewTask> newTasks = new ArrayList<>();
    boolean test = message.kind().equals(AlertMessage.TEST);
    for (Pending p : made) {
      UUID taskId = Ids.v7(now);
      sql.sql(NOTIFICATION_INSERT)
          .param("id", p.id())
          .param("organization_id", channel.organizationId())
          .param("channel_id", channel.id())
          .param("channel_name", channel.name())
          .param("channel_kind", channel.kind().apiName())
          .param("kind", p.kind())
          .param("headline", message.headline())
          .param("text", AlertTexts.plain(message))
          .param("incident_ids", connection.createArrayOf("uuid", p.incidentIds().toArray()))
          .param("dedup_key", p.dedupKey())
          .param("task_id", taskId)
          .param("now", Timestamp.from(now))
          .update();
      newTasks.add(
          new NewTask(
              taskId,
              channel.organizationId(),
              SOURCE_KIND,
              p.id(),
              Priorities.MANUAL,
              now,
              now,
              // A test shows its one answer; it does not keep knocking on a broken channel.
              test ? 1 : properties.attempts(),
              new Backoff(
                  (int) properties.retryBase().toMillis(), (int) properties.retryMax().toMillis()),
              p.request()));
    }
    Instant earliest = tasks.insert(connection, newTasks);
    if (earliest != null && TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              tasks.committed(earliest);
            }
          });
    }
    return made.getFirst().id();
  }

  /** {@link #enqueue} for callers in a Spring transaction, where an SQLException is a bug. */
  UUID enqueueChecked(Connection connection, UUID channelId, AlertMessage message) {
    try {
      return enqueue(connection, channelId, message);
    } catch (SQLException e) {
      throw new IllegalStateException("could not enqueue an alert for " + channelId, e);
    }
  }

  private record Pending(
      UUID id, String kind, List<UUID> incidentIds, String dedupKey, TaskRequest request) {}

  private void pagerDuty(
      Connection connection,
      JdbcClient sql,
      StoredChannel channel,
      AlertMessage message,
      Instant now,
      List<Pending> made)
      throws SQLException {
    List<AlertMessage.Item> triggers =
        message.items().stream().filter(i -> !AlertTexts.recovered(i)).toList();
    List<AlertMessage.Item> recovered =
        message.items().stream().filter(AlertTexts::recovered).toList();
    if (!triggers.isEmpty() || message.items().isEmpty()) {
      UUID id = Ids.v7(now);
      String dedupKey = "runlater-" + id;
      AlertMessage part =
          recovered.isEmpty()
              ? message
              : new AlertMessage(
                  message.organizationId(),
                  message.organizationName(),
                  message.kind(),
                  message.headline(),
                  triggers,
                  message.at(),
                  message.dashboardUrl());
      String kind =
          message.kind().equals(AlertMessage.DIGEST) || message.kind().equals(AlertMessage.RECOVERY)
              ? AlertMessage.ALERT
              : message.kind();
      made.add(
          new Pending(
              id,
              kind,
              incidentIds(triggers),
              dedupKey,
              formats.pagerDuty(channel, part, "trigger", dedupKey)));
    }
    List<UUID> recoveredIds = incidentIds(recovered);
    if (recoveredIds.isEmpty()) {
      return;
    }
    record Trigger(String dedupKey, List<UUID> incidentIds) {}
    List<Trigger> open =
        sql.sql(NOTIFICATION_TRIGGERS_TO_RESOLVE)
            .param("channel_id", channel.id())
            .param("incident_ids", connection.createArrayOf("uuid", recoveredIds.toArray()))
            .query(
                (rs, n) ->
                    new Trigger(
                        rs.getString("dedup_key"),
                        List.of((UUID[]) rs.getArray("incident_ids").getArray())))
            .list();
    for (Trigger t : open) {
      made.add(
          new Pending(
              Ids.v7(now),
              AlertMessage.RECOVERY,
              t.incidentIds(),
              t.dedupKey(),
              formats.pagerDuty(channel, message, "resolve", t.dedupKey())));
    }
  }

  private static List<UUID> incidentIds(List<AlertMessage.Item> items) {
    return items.stream()
        .map(AlertMessage.Item::incidentId)
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /** An email channel's addresses: the members with its roles, then the listed addresses. */
  private static List<String> recipients(JdbcClient sql, StoredChannel channel) {
    LinkedHashSet<String> to = new LinkedHashSet<>();
    if (channel.settings().plain().get("roles") instanceof List<?> roles && !roles.isEmpty()) {
      to.addAll(
          sql.sql(MEMBER_EMAILS_BY_ROLE)
              .param("organization_id", channel.organizationId())
              .param("roles", roles.stream().map(Object::toString).toArray(String[]::new))
              .query(String.class)
              .list());
    }
    if (channel.settings().plain().get("addresses") instanceof List<?> addresses) {
      addresses.forEach(a -> to.add(a.toString()));
    }
    return List.copyOf(to);
  }
}
