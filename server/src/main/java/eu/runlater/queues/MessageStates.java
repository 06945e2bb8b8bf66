package eu.runlater.queues;

import static eu.runlater.queues.MessageStatesQueries.MESSAGE_RUNS;
import static eu.runlater.queues.MessageStatesQueries.QUEUE_FLOWS;

import eu.runlater.engine.SqlTime;
import eu.runlater.hosts.Holds;
import eu.runlater.platform.web.Hold;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

/**
 * Messages in the dashboard's words (docs/states.md): {@code scheduled}, {@code held}, {@code
 * overdue}, {@code running}, {@code retrying}, {@code succeeded}, {@code failed}, {@code
 * cancelled}, and for a held one what holds it. A waiting message is held by its queue (paused,
 * parallelism, rate, ordering key); once released, by the engine (the target's circuit or throttle,
 * the organization's cap). A page reads the holds once ({@link #forOrganization}) and asks about
 * the rows it shows.
 */
@Component
class MessageStates {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final JdbcClient jdbc;
  private final Holds holds;
  private final InstantSource clock;

  MessageStates(JdbcClient jdbc, Holds holds, InstantSource clock) {
    this.jdbc = jdbc;
    this.holds = holds;
    this.clock = clock;
  }

  /** One queue's flow control as it stands. */
  record Flow(
      String name,
      boolean paused,
      int parallelism,
      long inFlight,
      Integer rateLimit,
      Duration ratePeriod,
      Instant rateNextAt) {}

  /** What one page needs to explain its rows: read once. */
  record Context(Instant now, Holds.Lookup hosts, Map<String, Flow> flows) {}

  /**
   * A message as a row shows it.
   *
   * @param state a run word of docs/states.md
   * @param hold why it waits, when held or overdue; else null
   * @param next when it is due (scheduled) or tried again (retrying), else null
   * @param attempts attempts over all its deliveries, the one under way included once finished
   */
  record Row(MessageView m, String state, Hold hold, Instant next, int attempts) {}

  Context forOrganization(UUID organizationId) {
    Map<String, Flow> flows = new HashMap<>();
    jdbc.sql(QUEUE_FLOWS)
        .param("organization_id", organizationId)
        .query(
            (RowCallbackHandler)
                rs -> {
                  int limit = rs.getInt("rate_limit");
                  boolean rated = !rs.wasNull();
                  flows.put(
                      rs.getString("name"),
                      new Flow(
                          rs.getString("name"),
                          rs.getBoolean("paused"),
                          rs.getInt("parallelism"),
                          rs.getLong("in_flight"),
                          rated ? limit : null,
                          rated ? Duration.ofMillis(rs.getLong("rate_period_ms")) : null,
                          SqlTime.instant(rs, "rate_next_at")));
                });
    return new Context(clock.instant(), holds.forOrganization(organizationId), flows);
  }

  private record Engine(String taskState, Instant runAt, int attempt, boolean keyBusy) {}

  List<Row> rows(Context context, UUID organizationId, List<MessageView> messages) {
    if (messages.isEmpty()) {
      return List.of();
    }
    Map<UUID, Engine> engine = new HashMap<>();
    jdbc.sql(MESSAGE_RUNS)
        .param("organization_id", organizationId)
        .param("ids", new SqlArrayValue("uuid", messages.stream().map(MessageView::id).toArray()))
        .query(
            (RowCallbackHandler)
                rs ->
                    engine.put(
                        rs.getObject("id", UUID.class),
                        new Engine(
                            rs.getString("task_state"),
                            SqlTime.instant(rs, "task_run_at"),
                            rs.getInt("task_attempt"),
                            rs.getBoolean("key_busy"))));
    return messages.stream()
        .map(m -> row(context, m, engine.getOrDefault(m.id(), new Engine(null, null, 0, false))))
        .toList();
  }

  Row row(Context context, UUID organizationId, MessageView m) {
    return rows(context, organizationId, List.of(m)).getFirst();
  }

  private Row row(Context c, MessageView m, Engine e) {
    return switch (m.state()) {
      case "delivered" -> new Row(m, "succeeded", null, null, m.attempts());
      case "failed" -> new Row(m, "failed", null, null, m.attempts());
      case "cancelled" -> new Row(m, "cancelled", null, null, m.attempts());
      case "queued" -> released(c, m, e);
      default -> waiting(c, m, e);
    };
  }

  /** Released to the engine: running, retrying, or held by the target or the organization. */
  private Row released(Context c, MessageView m, Engine e) {
    if (e.taskState() == null) {
      return new Row(m, "running", null, null, m.attempts());
    }
    boolean running = "running".equals(e.taskState());
    // The task's attempt counts the one running; the message adds its attempts when it finishes.
    int attempts = m.attempts() + e.attempt() - (running ? 1 : 0);
    if (running) {
      return new Row(m, "running", null, null, attempts);
    }
    // A first attempt was due at its not-before time: the engine may have moved its start later
    // (a throttle's end, or the time of a circuit's probe), which does not make it less late.
    Instant dueAt =
        e.attempt() > 0 || m.notBefore() == null || m.notBefore().isAfter(e.runAt())
            ? e.runAt()
            : m.notBefore();
    Hold hold = c.hosts().explain(m.target(), dueAt);
    if (hold == null && "held".equals(e.taskState())) {
      hold = c.hosts().forUrl(m.target());
    }
    if (hold != null) {
      return new Row(m, "backlog".equals(hold.kind()) ? "overdue" : "held", hold, null, attempts);
    }
    return new Row(m, e.attempt() > 0 ? "retrying" : "scheduled", null, e.runAt(), attempts);
  }

  /** Still in its queue: delayed, or held by the queue's flow control. */
  private Row waiting(Context c, MessageView m, Engine e) {
    if (m.notBefore() != null && m.notBefore().isAfter(c.now())) {
      return new Row(m, "scheduled", null, m.notBefore(), m.attempts());
    }
    Flow flow = c.flows().get(m.queue());
    Hold hold = flow == null ? null : queueHold(flow, c.now());
    if (hold == null && e.keyBusy()) {
      hold =
          new Hold(
              "ordering_key",
              "Held: an earlier message with ordering key “"
                  + m.orderingKey()
                  + "” has not finished",
              "Messages of one ordering key go one at a time, in order.",
              null,
              null,
              null);
    }
    if (hold != null) {
      return new Row(m, "held", hold, null, m.attempts());
    }
    if (m.notBefore() != null && m.notBefore().isBefore(c.now().minus(Holds.GRACE))) {
      return new Row(
          m,
          "overdue",
          new Hold(
              "backlog",
              "Overdue: waiting for its queue to release it",
              "No hold is known; the release is behind.",
              m.notBefore(),
              null,
              null),
          null,
          m.attempts());
    }
    return new Row(m, "scheduled", null, m.notBefore(), m.attempts());
  }

  /**
   * Why a queue holds its due messages, or null when it lets them go: paused, its parallelism full,
   * or its rate's next start ahead. Also the queue page's one line about its waiting ones.
   */
  static Hold queueHold(Flow flow, Instant now) {
    String href = "/queues/" + flow.name();
    if (flow.paused()) {
      return new Hold(
          "queue_paused",
          "Held: the queue " + flow.name() + " is paused",
          "Its messages wait until it is resumed.",
          null,
          null,
          href);
    }
    if (flow.inFlight() >= flow.parallelism()) {
      return new Hold(
          "queue_parallelism",
          "Held: the queue's parallelism is full — "
              + flow.inFlight()
              + " of "
              + flow.parallelism()
              + " in flight",
          "The next one starts when one of them finishes.",
          null,
          null,
          href);
    }
    if (flow.rateLimit() != null && flow.rateNextAt() != null && flow.rateNextAt().isAfter(now)) {
      return new Hold(
          "queue_rate",
          "Held: the queue's rate limit — next start allowed at " + CLOCK.format(flow.rateNextAt()),
          "At most " + flow.rateLimit() + " starts per " + per(flow.ratePeriod()) + ".",
          null,
          flow.rateNextAt(),
          href);
    }
    return null;
  }

  private static String per(Duration period) {
    return period.equals(Duration.ofMinutes(1)) ? "minute" : "second";
  }
}
