package eu.runlater.alerts;

import static eu.runlater.alerts.DispatcherQueries.CHANNEL_DUE_LOCK;
import static eu.runlater.alerts.DispatcherQueries.CHANNEL_GROUP_SENT;
import static eu.runlater.alerts.DispatcherQueries.INCIDENTS_ALERTED;
import static eu.runlater.alerts.DispatcherQueries.INCIDENTS_BY_IDS;
import static eu.runlater.alerts.DispatcherQueries.INCIDENTS_OPEN_ANNOUNCED;
import static eu.runlater.alerts.DispatcherQueries.INCIDENTS_REMIND;
import static eu.runlater.alerts.DispatcherQueries.PASS_PROBE;
import static eu.runlater.alerts.DispatcherQueries.PENDING_TAKE;

import eu.runlater.engine.Engine;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends what the outbox holds, one grouped message per channel, on every node: each pass locks a
 * channel whose group is due ({@code SKIP LOCKED}, so exactly one node sends it), takes all of its
 * pending changes, hands one message to {@link ChannelSender} (a task on the engine), and records
 * the group — all in one transaction. A node that dies before committing sends nothing and leaves
 * the rows for the next pass anywhere; once committed, the engine delivers the task. So each change
 * is told once.
 *
 * <p>Each pass also queues re-alerts that are due, and on the leader, every gauge interval, runs
 * the {@link AlertGauge}s. The loop logs and retries on errors; it never dies.
 */
@Component
class Dispatcher extends eu.runlater.platform.BackgroundLoop {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  static final int MAX_CHANNELS_PER_PASS = 1_000;

  /** What one pass did. */
  record Pass(int reminders, int messages, int changes) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TransactionalConnection connection;
  private final Engine engine;
  private final ChannelSender sender;
  private final GroupMessages messages;
  private final List<AlertGauge> gauges;
  private final AlertProperties properties;
  private final InstantSource clock;
  private Instant lastGauges = Instant.EPOCH;

  Dispatcher(
      JdbcClient jdbc,
      TransactionTemplate tx,
      TransactionalConnection connection,
      Engine engine,
      ChannelSender sender,
      GroupMessages messages,
      List<AlertGauge> gauges,
      AlertProperties properties,
      InstantSource clock) {
    super("runlater-alerts", "Sending alerts");
    this.jdbc = jdbc;
    this.tx = tx;
    this.connection = connection;
    this.engine = engine;
    this.sender = sender;
    this.messages = messages;
    this.gauges = gauges;
    this.properties = properties;
    this.clock = clock;
  }

  /** One pass: due re-alerts into the outbox, then every due group out of it. */
  Pass runOnce(Instant now) {
    boolean[] work =
        jdbc.sql(PASS_PROBE)
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> new boolean[] {rs.getBoolean("open"), rs.getBoolean("due")})
            .single();
    int reminders = work[0] ? remind(now) : 0;
    int sentMessages = 0;
    int changes = 0;
    for (int i = 0; work[1] && i < MAX_CHANNELS_PER_PASS; i++) {
      Integer sent = tx.execute(status -> sendOne(now));
      if (sent == null) {
        break;
      }
      sentMessages++;
      changes += sent;
    }
    return new Pass(reminders, sentMessages, changes);
  }

  /** Runs every gauge, each in its own transaction; returns how many ran without error. */
  int measure(Instant now) {
    int ok = 0;
    for (AlertGauge gauge : gauges) {
      try {
        tx.executeWithoutResult(
            status -> {
              try {
                gauge.measure(connection.current(), now);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
        ok++;
      } catch (RuntimeException e) {
        log.warn("Alert gauge {} failed; trying again next interval", gauge.getClass(), e);
      }
    }
    return ok;
  }

  /** Sends one due channel's group; null when none is due (or all are taken by other nodes). */
  private Integer sendOne(Instant now) {
    var channel =
        jdbc.sql(CHANNEL_DUE_LOCK)
            .param("now", SqlTime.ts(now))
            .query(
                (rs, n) ->
                    new UUID[] {
                      rs.getObject("id", UUID.class), rs.getObject("organization_id", UUID.class)
                    })
            .optional();
    if (channel.isEmpty()) {
      return null;
    }
    UUID channelId = channel.get()[0];
    UUID organizationId = channel.get()[1];
    // Latest change per incident wins: an incident that opened and recovered within one group
    // is told as recovered; a reminder gives way to anything else.
    Map<UUID, String> changes = new LinkedHashMap<>();
    jdbc.sql(PENDING_TAKE + " ")
        .param("channel_id", channelId)
        .query(
            rs -> {
              UUID id = rs.getObject("incident_id", UUID.class);
              changes.merge(id, rs.getString("change"), Dispatcher::stronger);
            });
    List<GroupMessages.Change> items = new ArrayList<>();
    jdbc.sql(INCIDENTS_BY_IDS)
        .param("ids", new SqlArrayValue("uuid", changes.keySet().toArray()))
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              items.add(GroupMessages.Change.read(rs, changes.get(id)));
            });
    if (items.isEmpty()) {
      return 0; // the incidents went with their organization's subjects; the rows went too
    }
    AlertMessage message = messages.message(organizationId, items, now);
    try {
      sender.enqueue(connection.current(), channelId, message);
    } catch (SQLException e) {
      throw new IllegalStateException("could not queue the alert for channel " + channelId, e);
    }
    jdbc.sql(CHANNEL_GROUP_SENT)
        .param("channel_id", channelId)
        .param("now", SqlTime.ts(now))
        .update();
    Map<UUID, String> names = new HashMap<>();
    for (AlertMessage.Item item : message.items()) {
      names.put(item.incidentId(), item.subjectName());
    }
    int n = items.size();
    Object[] ids = new Object[n];
    Object[] subjectNames = new Object[n];
    Object[] alerted = new Object[n];
    for (int k = 0; k < n; k++) {
      GroupMessages.Change c = items.get(k);
      ids[k] = c.incidentId();
      subjectNames[k] = names.get(c.incidentId());
      alerted[k] = !RuleEngine.Decision.RECOVERED.equals(c.change());
    }
    jdbc.sql(INCIDENTS_ALERTED)
        .param("ids", new SqlArrayValue("uuid", ids))
        .param("names", new SqlArrayValue("text", subjectNames))
        .param("alerted", new SqlArrayValue("boolean", alerted))
        .param("now", SqlTime.ts(now))
        .update();
    // The sender inserted the task on this connection: wake this node's producer once it commits.
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            engine.tasks().committed(now);
          }
        });
    return n;
  }

  private static String stronger(String a, String b) {
    if (RuleEngine.Decision.RECOVERED.equals(a) || RuleEngine.Decision.RECOVERED.equals(b)) {
      return RuleEngine.Decision.RECOVERED;
    }
    if (RuleEngine.Decision.OPENED.equals(a) || RuleEngine.Decision.OPENED.equals(b)) {
      return RuleEngine.Decision.OPENED;
    }
    return a;
  }

  /** Queues the re-alerts that are due; returns how many. */
  int remind(Instant now) {
    record Open(UUID id, UUID org, String kind, UUID subject, int consecutive, Instant lastAlert) {}
    List<Open> open =
        jdbc.sql(INCIDENTS_OPEN_ANNOUNCED)
            .query(
                (rs, n) ->
                    new Open(
                        rs.getObject("id", UUID.class),
                        rs.getObject("organization_id", UUID.class),
                        rs.getString("subject_kind"),
                        rs.getObject("subject_id", UUID.class),
                        rs.getInt("consecutive_failures"),
                        SqlTime.instant(rs, "last_alert_at")))
            .list();
    if (open.isEmpty()) {
      return 0;
    }
    Set<UUID> orgs = new HashSet<>();
    Set<UUID> subjects = new HashSet<>();
    open.forEach(
        o -> {
          orgs.add(o.org());
          subjects.add(o.subject());
        });
    RuleBook book = RuleBook.load(jdbc, orgs, subjects);
    List<Object> ids = new ArrayList<>();
    List<Object> expected = new ArrayList<>();
    for (Open o : open) {
      RuleSettings rule = book.effective(o.org(), o.kind(), o.subject());
      RuleEngine.Current current =
          new RuleEngine.Current(RuleEngine.State.OPEN, o.consecutive(), true, o.lastAlert());
      if (RuleEngine.reminderDue(current, rule, book.quiet(o.org(), rule, now), now)) {
        ids.add(o.id());
        expected.add(RuleBook.ts(o.lastAlert()));
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    Integer n =
        tx.execute(
            status -> {
              List<AlertSignals.Tell> tells = new ArrayList<>();
              jdbc.sql(INCIDENTS_REMIND)
                  .param("ids", new SqlArrayValue("uuid", ids.toArray()))
                  .param("expected", new SqlArrayValue("text", expected.toArray()))
                  .param("now", SqlTime.ts(now))
                  .query(
                      rs -> {
                        UUID org = rs.getObject("organization_id", UUID.class);
                        RuleSettings rule =
                            book.effective(
                                org,
                                rs.getString("subject_kind"),
                                rs.getObject("subject_id", UUID.class));
                        tells.add(
                            AlertSignals.Tell.of(
                                rs.getObject("id", UUID.class),
                                org,
                                RuleEngine.Decision.REMINDER,
                                rule,
                                (int) book.groupWindow(org).toSeconds()));
                      });
              AlertSignals.queue(jdbc, tells, properties.groupWait().toMillis(), now);
              return tells.size();
            });
    return n == null ? 0 : n;
  }

  @Override
  protected void loop() {
    while (running()) {
      try {
        Instant now = clock.instant();
        runOnce(now);
        if (!now.isBefore(lastGauges.plus(properties.gaugeInterval()))) {
          lastGauges = now;
          if (engine.isLeader()) {
            measure(now);
          }
        }
        passSucceeded();
      } catch (RuntimeException e) {
        passFailed(e);
      }
      synchronized (this) {
        if (running()) {
          try {
            wait(properties.pollInterval().toMillis());
          } catch (InterruptedException e) {
            // re-checked by the loop
          }
        }
      }
    }
  }

  Duration pollInterval() {
    return properties.pollInterval();
  }
}
