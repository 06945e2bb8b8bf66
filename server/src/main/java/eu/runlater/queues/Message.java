package eu.runlater.queues;

import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One on-demand delivery pushed to a queue, and where it stands.
 *
 * @param state {@code waiting} (held by its queue), {@code queued} (released: being delivered or
 *     retried), {@code delivered}, {@code failed} (in the dead-letter list) or {@code cancelled}
 * @param queueName null where the row was read without its queue
 */
record Message(
    UUID id,
    UUID organizationId,
    UUID queueId,
    String queueName,
    String state,
    TaskRequest request,
    List<String> secretHeaderNames,
    int retries,
    Instant notBefore,
    String orderingKey,
    String dedupId,
    String callbackUrl,
    String failureCallbackUrl,
    int attempts,
    int redrives,
    String lastStatus,
    Integer lastStatusCode,
    String lastError,
    UUID lastExecutionId,
    Instant createdAt,
    Instant releasedAt,
    Instant finishedAt) {

  static final String SOURCE_KIND = "message";

  static Message map(ResultSet rs, boolean withQueueName) throws SQLException {
    Array secret = rs.getArray("secret_header_names");
    return new Message(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getObject("queue_id", UUID.class),
        withQueueName ? rs.getString("queue_name") : null,
        rs.getString("state"),
        new TaskRequest(
            rs.getString("url"),
            rs.getString("method"),
            HeaderCodec.fromJson(rs.getString("headers")),
            rs.getBytes("sealed_headers"),
            rs.getBytes("body"),
            rs.getBoolean("body_sealed"),
            rs.getInt("timeout_ms")),
        secret == null ? List.of() : List.of((String[]) secret.getArray()),
        rs.getInt("retries"),
        SqlTime.instant(rs, "not_before"),
        rs.getString("ordering_key"),
        rs.getString("dedup_id"),
        rs.getString("callback_url"),
        rs.getString("failure_callback_url"),
        rs.getInt("attempts"),
        rs.getInt("redrives"),
        rs.getString("last_status"),
        (Integer) rs.getObject("last_status_code"),
        rs.getString("last_error"),
        rs.getObject("last_execution_id", UUID.class),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "released_at"),
        SqlTime.instant(rs, "finished_at"));
  }
}
