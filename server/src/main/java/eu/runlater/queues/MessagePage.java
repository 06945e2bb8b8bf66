package eu.runlater.queues;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionView;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A message's page: where it stands in the dashboard's words, every attempt numbered over all its
 * deliveries (a redrive starts a new one, and the engine counts its attempts from 1 again), and the
 * last response.
 *
 * @param row the message, its state, its hold
 * @param attempts newest first
 * @param deliveries 1, plus one per redrive that has started
 * @param delayed whether "not before" says something: it was pushed with a delay
 * @param last the newest attempt's response, or null when none was recorded
 */
record MessagePage(
    MessageStates.Row row,
    List<Attempt> attempts,
    int deliveries,
    boolean delayed,
    LastResponse last) {

  /** Shown at most; the whole body is on the attempt's page. */
  static final int BODY_SHOWN = 4096;

  /**
   * @param number over all deliveries, from 1
   * @param delivery 1 for the first, 2 after the first redrive, …
   */
  record Attempt(ExecutionView execution, int number, int delivery) {
    public String label() {
      if (delivery == 1) {
        return "#" + number;
      }
      return "#"
          + number
          + " (redrive "
          + (delivery - 1)
          + ", attempt "
          + execution.attempt()
          + ")";
    }
  }

  /**
   * @param body as text, or null when empty or not text
   * @param note what is left out: binary, truncated, shortened here
   */
  record LastResponse(ExecutionView execution, Integer statusCode, String body, String note) {}

  static MessagePage of(MessageStates.Row row, List<ExecutionView> newestFirst, Execution last) {
    List<ExecutionView> oldestFirst = new ArrayList<>(newestFirst);
    oldestFirst.sort(
        Comparator.comparing(
                ExecutionView::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ExecutionView::id));
    List<Attempt> numbered = new ArrayList<>();
    int delivery = 0;
    int previous = Integer.MAX_VALUE;
    for (ExecutionView e : oldestFirst) {
      // The engine counts a delivery's attempts from 1; a count that does not go up is a redrive.
      if (delivery == 0 || e.attempt() <= previous) {
        delivery++;
      }
      previous = e.attempt();
      numbered.add(new Attempt(e, numbered.size() + 1, delivery));
    }
    List<Attempt> attempts = numbered.reversed();
    MessageView m = row.m();
    boolean delayed =
        m.notBefore() != null
            && m.createdAt() != null
            && m.redrives() == 0
            && Duration.between(m.createdAt(), m.notBefore()).compareTo(Duration.ofSeconds(1)) > 0;
    return new MessagePage(
        row, attempts, Math.max(1, delivery), delayed, last == null ? null : lastResponse(last));
  }

  private static LastResponse lastResponse(Execution e) {
    ExecutionView view = ExecutionView.summary(e);
    if (e.response() == null) {
      return new LastResponse(view, e.statusCode(), null, "No response was recorded.");
    }
    byte[] bytes = e.response().body();
    if (bytes == null || bytes.length == 0) {
      return new LastResponse(view, e.statusCode(), null, "Empty body.");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException binary) {
      return new LastResponse(
          view, e.statusCode(), null, "A binary body of " + bytes.length + " bytes.");
    }
    String note = e.response().truncated() ? "Truncated at 256 KB when recorded." : null;
    if (text.length() > BODY_SHOWN) {
      text = text.substring(0, BODY_SHOWN);
      note = "The first " + BODY_SHOWN + " characters; the whole body is on the attempt's page.";
    }
    return new LastResponse(view, e.statusCode(), text, note);
  }
}
