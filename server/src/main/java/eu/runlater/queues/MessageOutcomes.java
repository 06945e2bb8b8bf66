package eu.runlater.queues;

import static eu.runlater.queues.MessagesQueries.MESSAGE_FINISH;
import static eu.runlater.queues.QueueStatsQueries.FINISHED_ADD;

import eu.runlater.alerts.AlertOutcomes;
import eu.runlater.alerts.AlertSignals;
import eu.runlater.alerts.Outcome;
import eu.runlater.engine.Backoff;
import eu.runlater.engine.Completion;
import eu.runlater.engine.ExecutionRecord;
import eu.runlater.engine.Header;
import eu.runlater.engine.Ids;
import eu.runlater.engine.NewTask;
import eu.runlater.engine.OutcomeHook;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.platform.database.ConnectionSql;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.engine.Priorities;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a message's final outcome sets off, in the transaction that records it: the message becomes
 * {@code delivered} or {@code failed} (the dead-letter list, with its last response), its callback
 * is scheduled as a delivery of its own (signed and retried like any other), and its queue lets the
 * next messages go.
 */
@Component
class MessageOutcomes implements OutcomeHook {
  static final String CALLBACK_KIND = "callback";
  static final int CALLBACK_RETRIES = 3;
  static final int CALLBACK_TIMEOUT_MS = 30_000;

  private final Release release;
  private final ObjectProvider<Releaser> releaser;
  private final Backoff backoff;
  private final JsonMapper json;
  private final AlertSignals alerts;

  MessageOutcomes(
      Release release,
      ObjectProvider<Releaser> releaser,
      EngineProperties engine,
      JsonMapper json,
      AlertSignals alerts) {
    this.alerts = alerts;
    this.release = release;
    this.releaser = releaser;
    this.backoff = engine.backoff();
    this.json = json;
  }

  private record Finished(
      UUID id,
      UUID organizationId,
      UUID queueId,
      String queueName,
      String state,
      String callbackUrl,
      String failureCallbackUrl,
      String url,
      int attempts) {}

  @Override
  public void onFinished(OutcomeHook.Finished finished) throws SQLException {
    Map<UUID, Completion> byMessage = new HashMap<>();
    for (Completion c : finished.outcomes()) {
      if (Message.SOURCE_KIND.equals(c.task().sourceKind()) && c.task().sourceId() != null) {
        byMessage.put(c.task().sourceId(), c);
      }
    }
    if (byMessage.isEmpty()) {
      return;
    }
    int n = byMessage.size();
    Object[] ids = new Object[n];
    Object[] successes = new Object[n];
    Object[] attempts = new Object[n];
    Object[] statuses = new Object[n];
    Object[] codes = new Object[n];
    Object[] errors = new Object[n];
    Object[] executions = new Object[n];
    int i = 0;
    for (var e : byMessage.entrySet()) {
      ExecutionRecord x = e.getValue().execution();
      ids[i] = e.getKey();
      successes[i] = ExecutionRecord.SUCCESS.equals(x.status());
      attempts[i] = e.getValue().task().attempt();
      statuses[i] = x.status();
      codes[i] = x.statusCode();
      errors[i] = x.error();
      executions[i] = x.id();
      i++;
    }
    JdbcClient jdbc = ConnectionSql.on(finished.connection());
    List<Finished> rows =
        jdbc.sql(MESSAGE_FINISH)
            .param("ids", new SqlArrayValue("uuid", ids))
            .param("successes", new SqlArrayValue("boolean", successes))
            .param("attempts", new SqlArrayValue("integer", attempts))
            .param("statuses", new SqlArrayValue("text", statuses))
            .param("status_codes", new SqlArrayValue("integer", codes))
            .param("errors", new SqlArrayValue("text", errors))
            .param("execution_ids", new SqlArrayValue("uuid", executions))
            .param("now", SqlTime.ts(finished.now()))
            .query(
                (rs, row) ->
                    new Finished(
                        rs.getObject("id", UUID.class),
                        rs.getObject("organization_id", UUID.class),
                        rs.getObject("queue_id", UUID.class),
                        rs.getString("queue_name"),
                        rs.getString("state"),
                        rs.getString("callback_url"),
                        rs.getString("failure_callback_url"),
                        rs.getString("url"),
                        rs.getInt("attempts")))
            .list();

    List<NewTask> callbacks = new ArrayList<>();
    TreeSet<UUID> queues = new TreeSet<>();
    List<Outcome> outcomes = new ArrayList<>(rows.size());
    for (Finished row : rows) {
      queues.add(row.queueId());
      // Delivered is a success of the queue, dead-lettered a failure (unless its rule says dead
      // letters do not count: AlertSignals reads that).
      outcomes.add(
          AlertOutcomes.of(
              byMessage.get(row.id()),
              QueueAlertSubjects.KIND,
              row.queueId(),
              "delivered".equals(row.state())));
      String target =
          "delivered".equals(row.state()) ? row.callbackUrl() : row.failureCallbackUrl();
      if (target != null) {
        callbacks.add(callback(row, target, byMessage.get(row.id()), finished.now()));
      }
    }
    countFinished(jdbc, rows, finished.now());
    if (!callbacks.isEmpty()) {
      finished.insert(callbacks);
    }
    alerts.outcomes(finished.connection(), outcomes, finished.now());
    // Sorted, so two nodes finishing messages of the same queues lock them in the same order.
    // What a finished message makes room for is handed to this node's workers as the completer
    // commits (the engine's HandOff: only what is due now, never more for an organization than
    // this batch finished), so a queue's slot is used again without waiting for the producer's
    // wake-up and claim. A rate-limited queue's later slots stay due at their time for the claim.
    for (UUID queueId : queues) {
      Instant next = release.release(jdbc, finished::insertHandingOff, queueId, finished.now());
      if (next != null) {
        releaser.getObject().request(queueId, next);
      }
    }
  }

  /**
   * Adds the batch's outcomes to its queues' per-second counts (queues V8), which the metrics
   * export reads instead of counting a minute of messages.
   */
  private static void countFinished(JdbcClient jdbc, List<Finished> rows, Instant now) {
    if (rows.isEmpty()) {
      return;
    }
    Map<UUID, int[]> counts = new java.util.TreeMap<>();
    for (Finished row : rows) {
      int[] count = counts.computeIfAbsent(row.queueId(), q -> new int[2]);
      count["delivered".equals(row.state()) ? 0 : 1]++;
    }
    int n = counts.size();
    Object[] queueIds = new Object[n];
    Object[] delivered = new Object[n];
    Object[] failed = new Object[n];
    int i = 0;
    for (var e : counts.entrySet()) {
      queueIds[i] = e.getKey();
      delivered[i] = e.getValue()[0];
      failed[i] = e.getValue()[1];
      i++;
    }
    jdbc.sql(FINISHED_ADD)
        .param("queue_ids", new SqlArrayValue("uuid", queueIds))
        .param("delivered", new SqlArrayValue("integer", delivered))
        .param("failed", new SqlArrayValue("integer", failed))
        .param("now", SqlTime.ts(now))
        .update();
  }

  private NewTask callback(Finished row, String target, Completion outcome, Instant now) {
    ExecutionRecord x = outcome.execution();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message_id", row.id());
    body.put("queue", row.queueName());
    body.put("url", row.url());
    body.put("state", row.state());
    body.put("status", x.status());
    body.put("status_code", x.statusCode());
    body.put("error", x.error());
    body.put("attempt", outcome.task().attempt());
    body.put("attempts", row.attempts());
    body.put("execution_id", x.id());
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] responseBody = null;
    if (x.response() != null) {
      for (Header h : x.response().headers()) {
        headers.merge(
            h.name().toLowerCase(java.util.Locale.ROOT), h.value(), (a, b) -> a + ", " + b);
      }
      responseBody = x.response().body();
    }
    body.put("response_headers", headers);
    body.put(
        "body", responseBody == null ? null : Base64.getEncoder().encodeToString(responseBody));
    body.put("body_truncated", x.response() != null && x.response().truncated());
    return new NewTask(
        Ids.v7(now),
        row.organizationId(),
        CALLBACK_KIND,
        row.id(),
        Priorities.of(true, Priorities.ONE_TIME),
        now,
        now,
        CALLBACK_RETRIES + 1,
        backoff,
        new TaskRequest(
            target,
            "POST",
            List.of(new Header("Content-Type", "application/json")),
            null,
            json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8),
            false,
            CALLBACK_TIMEOUT_MS));
  }
}
