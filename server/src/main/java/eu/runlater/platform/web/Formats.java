package eu.runlater.platform.web;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/**
 * Formatting helpers for templates: {@code ${@fmt.time(instant)}}, {@code ${@fmt.ago(instant)}}.
 */
@Component("fmt")
public class Formats {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ZONED =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss z");
  private final InstantSource clock;

  Formats(InstantSource clock) {
    this.clock = clock;
  }

  /** An instant in UTC, or a dash. */
  public String time(Instant instant) {
    return instant == null ? "—" : UTC.format(instant);
  }

  /** An instant in a timezone, with the zone's abbreviation. */
  public String time(Instant instant, String zone) {
    return instant == null ? "—" : ZONED.format(instant.atZone(ZoneId.of(zone)));
  }

  /** "12 s ago", "3 min ago", "in 5 h": how far an instant is from now. */
  public String ago(Instant instant) {
    if (instant == null) {
      return "never";
    }
    Duration d = Duration.between(instant, clock.instant());
    boolean future = d.isNegative();
    String span = span(d.abs());
    return future ? "in " + span : span + " ago";
  }

  /** A duration in milliseconds as "120 ms", "1.5 s", "2 min". */
  public String millis(Number value) {
    if (value == null) {
      return "—";
    }
    long ms = Math.round(value.doubleValue());
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format("%.1f s", ms / 1000.0);
    }
    return span(Duration.ofMillis(ms));
  }

  private static String span(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86_400) {
      return s / 3600 + " h";
    }
    return s / 86_400 + " d";
  }
}
