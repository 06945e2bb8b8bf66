package eu.runlater.alerts;

import eu.runlater.engine.Completion;
import eu.runlater.engine.ExecutionRecord;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Turns an engine outcome into what {@link AlertSignals} counts, for the outcome hooks of the
 * modules that own the work (jobs, queues): status code, error, the start of the response as text,
 * and the execution to link to.
 */
public final class AlertOutcomes {
  private AlertOutcomes() {}

  /**
   * @param success whether it counts as a success ({@code null}: the execution's status says)
   */
  public static Outcome of(
      Completion completion, String subjectKind, UUID subjectId, Boolean success) {
    ExecutionRecord x = completion.execution();
    boolean ok = success != null ? success : ExecutionRecord.SUCCESS.equals(x.status());
    String error = x.error();
    if (error == null && !ok) {
      error = x.statusCode() != null ? "HTTP " + x.statusCode() : "the attempt ended " + x.status();
    }
    return new Outcome(
        completion.task().organizationId(),
        subjectKind,
        subjectId,
        ok,
        x.finishedAt() != null ? x.finishedAt() : x.createdAt(),
        x.statusCode(),
        ok ? null : error,
        ok || x.response() == null ? null : snippet(x.response().body()),
        x.id());
  }

  /** The body's first characters if it reads as UTF-8 text, else null. */
  static String snippet(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    int n = Math.min(body.length, AlertSignals.SNIPPET_CHARS * 4);
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body, 0, n))
              .toString();
      return text.length() > AlertSignals.SNIPPET_CHARS
          ? text.substring(0, AlertSignals.SNIPPET_CHARS)
          : text;
    } catch (CharacterCodingException binaryOrCutMidCharacter) {
      // Cut inside a multi-byte character: retry a few bytes shorter; binary stays unquoted.
      for (int cut = 1; cut <= 3 && n - cut > 0; cut++) {
        try {
          String text =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(body, 0, n - cut))
                  .toString();
          return text.length() > AlertSignals.SNIPPET_CHARS
              ? text.substring(0, AlertSignals.SNIPPET_CHARS)
              : text;
        } catch (CharacterCodingException again) {
          // try shorter
        }
      }
      return null;
    }
  }
}
