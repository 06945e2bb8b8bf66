package eu.runlater.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A cron job's policies for missed occurrences and for overlapping runs. */
final class Policies {
  private Policies() {}

  /** Occurrences that passed while nothing ran (every node down). */
  enum CatchUp {
    /** Run the most recent missed occurrence once; record the others as missed. */
    LATEST,
    /** Run none of them; record all as missed. */
    NONE,
    /** Run each of them, the most recent 100 at most; record older ones as missed. */
    ALL;

    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    static CatchUp of(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }

  /** An occurrence due while the previous run is still in flight. */
  enum Overlap {
    /** Run it anyway, beside the previous one. */
    ALLOW,
    /** Record it as skipped, with the reason. */
    FORBID,
    /** Cancel the running attempt and run the new occurrence. */
    REPLACE;

    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Overlap of(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }
}
