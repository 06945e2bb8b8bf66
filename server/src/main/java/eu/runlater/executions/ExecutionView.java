package eu.runlater.executions;

import com.fasterxml.jackson.annotation.JsonProperty;
import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * An execution as the API shows it. Secret request headers and a secret body are masked; bodies are
 * text when they are UTF-8 ({@code body_encoding: "utf-8"}) and base64 otherwise.
 *
 * @param latenessMs how late the attempt started after the time its run was scheduled for (its
 *     planned time; a retry's lateness includes the earlier attempts and their waits)
 * @param held what held the attempt back past its time, as the engine recorded it, or null
 * @param attempts every attempt of the same task, oldest first (detail only)
 */
public record ExecutionView(
    UUID id,
    UUID taskId,
    UUID jobId,
    String sourceKind,
    UUID sourceId,
    int attempt,
    String status,
    @JsonProperty("final") boolean isFinal,
    Instant scheduledFor,
    Instant dueAt,
    Instant startedAt,
    Instant finishedAt,
    Double durationMs,
    Long latenessMs,
    Integer statusCode,
    String error,
    String node,
    Instant nextAttemptAt,
    HeldView held,
    RequestView request,
    ResponseView response,
    List<ExecutionView> attempts) {

  /**
   * What held an attempt back.
   *
   * @param by {@code host_circuit} (its target's circuit was open), {@code host_throttle} (its
   *     target asked to slow down, Retry-After) or {@code node_lost} (an earlier attempt was lost
   *     with its node)
   * @param since when the hold began for this run
   * @param until when it ended, or null
   * @param target the held target ({@code https://api.example.com:443}), for a host hold
   * @param node the node an earlier attempt was lost with, for {@code node_lost}
   */
  public record HeldView(String by, Instant since, Instant until, String target, String node) {
    static HeldView of(Execution.Held h) {
      if (h == null) {
        return null;
      }
      boolean lost = "node_lost".equals(h.by());
      return new HeldView(
          h.by(), h.since(), h.until(), lost ? null : h.note(), lost ? h.note() : null);
    }
  }

  record RequestView(
      String url, String method, List<Header> headers, String body, String bodyEncoding) {}

  record ResponseView(List<Header> headers, String body, String bodyEncoding, boolean truncated) {}

  public static ExecutionView summary(Execution e) {
    return of(e, null, null, null);
  }

  static ExecutionView detail(Execution e, List<Execution> attempts, SecretBox secrets) {
    RequestView request = null;
    if (e.request() != null) {
      Execution.Request r = e.request();
      List<Header> headers = SealedRequests.maskedHeaders(secrets, r.headers(), r.sealedHeaders());
      String[] body =
          r.bodySealed() ? new String[] {SealedRequests.MASK, "utf-8"} : encode(r.body());
      request = new RequestView(r.url(), r.method(), headers, body[0], body[1]);
    }
    ResponseView response = null;
    if (e.response() != null) {
      String[] body = encode(e.response().body());
      response =
          new ResponseView(e.response().headers(), body[0], body[1], e.response().truncated());
    }
    return of(e, request, response, attempts.stream().map(ExecutionView::summary).toList());
  }

  private static ExecutionView of(
      Execution e, RequestView request, ResponseView response, List<ExecutionView> attempts) {
    // From the planned time, not due_at: a hold or a rescue moves due_at, and measured from it a
    // run held for six minutes read "late by 8 ms".
    Instant planned = e.scheduledFor() != null ? e.scheduledFor() : e.dueAt();
    Long lateness =
        e.startedAt() == null || planned == null
            ? null
            : Math.max(0, Duration.between(planned, e.startedAt()).toMillis());
    return new ExecutionView(
        e.id(),
        e.taskId(),
        "job".equals(e.sourceKind()) ? e.sourceId() : null,
        e.sourceKind(),
        e.sourceId(),
        e.attempt(),
        e.status(),
        e.finalAttempt(),
        e.scheduledFor(),
        e.dueAt(),
        e.startedAt(),
        e.finishedAt(),
        e.durationUs() == null ? null : e.durationUs() / 1000.0,
        lateness,
        e.statusCode(),
        e.error(),
        e.node(),
        e.nextAttemptAt(),
        HeldView.of(e.held()),
        request,
        response,
        attempts);
  }

  private static String[] encode(byte[] body) {
    if (body == null) {
      return new String[] {null, null};
    }
    try {
      return new String[] {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString(), "utf-8"
      };
    } catch (CharacterCodingException e) {
      return new String[] {Base64.getEncoder().encodeToString(body), "base64"};
    }
  }
}
