package eu.runlater.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The headers of ours that an attempt sends besides the request's own, and how the history keeps
 * them.
 *
 * <p>Sent, in this order: {@code User-Agent}, {@code webhook-id}, {@code webhook-timestamp}, {@code
 * Runlater-<Kind>-Id} (when the task has a source), {@code Runlater-Task-Id}, {@code
 * Runlater-Execution-Id}, {@code Runlater-Attempt} and {@code traceparent}; then the signature,
 * which is never recorded. All but the user agent follow from the execution row's own columns
 * (task, source, execution id, attempt, start), the trace's span id included: it is the low 64 bits
 * of the execution id, the random part of a UUIDv7. So an execution row records the user agent only
 * and says so ({@code request_headers_derived}); {@link #expand} makes the rest again when it is
 * read. That is about two thirds of what a delivery's headers took in the row and its WAL.
 */
public final class SentHeaders {
  private SentHeaders() {}

  /** What an attempt sends besides the request's own headers, without the signature. */
  static List<Header> generated(
      String userAgent, ClaimedTask task, UUID executionId, Instant started) {
    List<Header> headers = new ArrayList<>(8);
    headers.add(new Header("User-Agent", userAgent));
    addDerived(
        headers,
        task.id(),
        task.sourceKind(),
        task.sourceId(),
        executionId,
        task.attempt(),
        started.getEpochSecond());
    return headers;
  }

  /**
   * Whether {@code sent} (an attempt's {@link ExecutionRecord#sentHeaders()}) is exactly what
   * {@link #generated} makes for it, so that the row may keep its first header only.
   */
  static boolean derivable(List<Header> sent, ClaimedTask task, ExecutionRecord execution) {
    if (sent.isEmpty() || execution.startedAt() == null) {
      return false;
    }
    List<Header> derived = new ArrayList<>(7);
    addDerived(
        derived,
        task.id(),
        task.sourceKind(),
        task.sourceId(),
        execution.id(),
        task.attempt(),
        execution.startedAt().getEpochSecond());
    return sent.subList(1, sent.size()).equals(derived);
  }

  /**
   * A recorded request's headers as they were sent: {@code stored} with the derived headers
   * appended, for a row whose {@code request_headers_derived} is true.
   */
  public static List<Header> expand(
      List<Header> stored,
      UUID taskId,
      String sourceKind,
      UUID sourceId,
      UUID executionId,
      int attempt,
      Instant started) {
    List<Header> headers = new ArrayList<>(stored.size() + 7);
    headers.addAll(stored);
    addDerived(
        headers, taskId, sourceKind, sourceId, executionId, attempt, started.getEpochSecond());
    return List.copyOf(headers);
  }

  /** W3C trace context: the trace id is the task id, so every attempt of a task shares it. */
  static String traceparent(UUID taskId, UUID executionId) {
    // The low half of a UUIDv7 is its variant bits and 62 random ones: never all zero, as a span
    // id must not be.
    return "00-"
        + hex(taskId.getMostSignificantBits())
        + hex(taskId.getLeastSignificantBits())
        + "-"
        + hex(executionId.getLeastSignificantBits())
        + "-01";
  }

  static String sourceHeader(String sourceKind) {
    StringBuilder name = new StringBuilder("Runlater-");
    for (String part : sourceKind.split("_")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1)).append('-');
    }
    return name.append("Id").toString();
  }

  private static void addDerived(
      List<Header> headers,
      UUID taskId,
      String sourceKind,
      UUID sourceId,
      UUID executionId,
      int attempt,
      long startedSecond) {
    String task = taskId.toString();
    headers.add(new Header("webhook-id", task));
    headers.add(new Header("webhook-timestamp", Long.toString(startedSecond)));
    if (sourceId != null) {
      headers.add(new Header(sourceHeader(sourceKind), sourceId.toString()));
    }
    headers.add(new Header("Runlater-Task-Id", task));
    headers.add(new Header("Runlater-Execution-Id", executionId.toString()));
    headers.add(new Header("Runlater-Attempt", Integer.toString(attempt)));
    headers.add(new Header("traceparent", traceparent(taskId, executionId)));
  }

  private static String hex(long bits) {
    String digits = Long.toHexString(bits).toLowerCase(Locale.ROOT);
    return "0".repeat(16 - digits.length()) + digits;
  }
}
