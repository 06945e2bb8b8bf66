package eu.runlater.executions;

import eu.runlater.hosts.Holds;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Why an attempt started when it did, in one sentence for its page: how long after the time its run
 * was scheduled for (not its due time, which a hold or a rescue moves), and what held it back as
 * the engine recorded it: a target's open circuit or throttle (with a link to the host's page), or
 * an earlier attempt lost with its node.
 */
final class ExecutionDelays {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final Duration ON_TIME = Duration.ofSeconds(1);

  private ExecutionDelays() {}

  /**
   * The sentence, split around the link it may carry.
   *
   * @param text the sentence up to the link (or all of it)
   * @param linkText the host's name, linked, or null
   * @param href the host's page, or null
   * @param after the rest of the sentence after the link
   * @param kind what held it ({@code host_circuit}, {@code host_throttle}, {@code node_lost}), or
   *     null
   */
  public record Delay(String text, String linkText, String href, String after, String kind) {}

  /** The sentence for {@code e}, or null when it never started (missed, skipped, cancelled). */
  static Delay of(ExecutionView e, String zone) {
    if (e.latenessMs() == null) {
      return null;
    }
    Duration late = Duration.ofMillis(e.latenessMs());
    String started =
        late.compareTo(ON_TIME) < 0
            ? "Started on time, " + span(late) + " after its scheduled time"
            : "Started " + span(late) + " after its scheduled time";
    ExecutionView.HeldView held = e.held();
    if (held != null) {
      String from = clock(held.since(), zone);
      String to = held.until() == null ? "its start" : clock(held.until(), zone);
      switch (held.by()) {
        case "host_circuit" -> {
          return new Delay(
              started + ": held by the open circuit of ",
              Holds.displayName(held.target()),
              Holds.href(held.target()),
              " from " + from + " to " + to + ".",
              held.by());
        }
        case "host_throttle" -> {
          return new Delay(
              started + ": held because ",
              Holds.displayName(held.target()),
              Holds.href(held.target()),
              " asked to slow down (Retry-After) from " + from + " to " + to + ".",
              held.by());
        }
        case "node_lost" -> {
          return new Delay(
              started
                  + ": an earlier attempt was lost with node "
                  + held.node()
                  + ", which stopped reporting; it was rescued at "
                  + from
                  + ".",
              null,
              null,
              "",
              held.by());
        }
        default -> {}
      }
    }
    if (e.attempt() > 1) {
      return new Delay(
          started
              + ": this is attempt "
              + e.attempt()
              + ", sent after the earlier attempts and their retry waits"
              + (e.dueAt() == null
                  ? "."
                  : " (this retry was due at " + clock(e.dueAt(), zone) + ")."),
          null,
          null,
          "",
          null);
    }
    if (late.compareTo(ON_TIME) < 0) {
      return new Delay(started + ".", null, null, "", null);
    }
    return new Delay(
        started + ": no hold was recorded; it waited for a free worker.", null, null, "", null);
  }

  private static String clock(Instant at, String zone) {
    return at == null ? "—" : CLOCK.format(at.atZone(ZoneId.of(zone)));
  }

  /** "8 ms", "4.2 s", "5 min 12 s", "2 h 5 min". */
  static String span(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 3600) {
      return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }
    long m = s / 60;
    return m / 60 + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
  }
}
