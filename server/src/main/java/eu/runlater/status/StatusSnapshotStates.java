package eu.runlater.status;

import java.util.List;
import java.util.Locale;

/**
 * The states a component shows, worst last, and their words: {@code operational}, {@code
 * maintenance}, {@code degraded}, {@code partial_outage}, {@code major_outage}. A page's state is
 * its worst component's.
 */
final class StatusSnapshotStates {
  private StatusSnapshotStates() {}

  static final String OPERATIONAL = "operational";
  static final String MAINTENANCE = "maintenance";
  static final String DEGRADED = "degraded";
  static final String PARTIAL = "partial_outage";
  static final String MAJOR = "major_outage";

  /** In order of severity. */
  static final List<String> ORDER = List.of(OPERATIONAL, MAINTENANCE, DEGRADED, PARTIAL, MAJOR);

  static String worst(String a, String b) {
    return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
  }

  /** A monitor's state as a component's. */
  static String ofMonitor(String state) {
    return switch (state) {
      case "down" -> MAJOR;
      case "late" -> DEGRADED;
      default -> OPERATIONAL; // new, up, paused: nothing wrong is known
    };
  }

  /** What an open incident of this impact makes of the components it affects. */
  static String ofImpact(String impact) {
    return switch (impact) {
      case "critical" -> MAJOR;
      case "major" -> PARTIAL;
      case "minor" -> DEGRADED;
      default -> OPERATIONAL;
    };
  }

  static String label(String state) {
    return switch (state) {
      case OPERATIONAL -> "Operational";
      case MAINTENANCE -> "Under maintenance";
      case DEGRADED -> "Degraded performance";
      case PARTIAL -> "Partial outage";
      case MAJOR -> "Major outage";
      default -> state;
    };
  }

  static String overall(String state) {
    return switch (state) {
      case OPERATIONAL -> "All systems operational";
      case MAINTENANCE -> "Maintenance in progress";
      case DEGRADED -> "Degraded performance";
      case PARTIAL -> "Partial outage";
      case MAJOR -> "Major outage";
      default -> state;
    };
  }

  static String incidentLabel(String status) {
    return switch (status) {
      case "in_progress" -> "In progress";
      default ->
          status.isEmpty()
              ? status
              : status.substring(0, 1).toUpperCase(Locale.ROOT) + status.substring(1);
    };
  }

  /** 99.95 % style: two decimals, no trailing zeros beyond one. */
  static String percent(double share) {
    double p = Math.floor(share * 10_000) / 100;
    return String.format(Locale.ROOT, "%.2f%%", p);
  }
}
