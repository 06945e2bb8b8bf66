package eu.runlater.monitors;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Monitors as other modules see them (a status page's components): their current state and their
 * uptime by day. Reads only.
 */
public interface Monitors {

  /** The monitors of {@code organizationId} among {@code ids} that exist, by id. */
  Map<UUID, Status> statuses(UUID organizationId, Collection<UUID> ids);

  /**
   * Uptime per day, oldest first, from {@code from} to {@code to} inclusive, days counted in {@code
   * zone}: the share of each day the monitor was not down (computed from its timeline). A day
   * before the monitor existed, or while it was paused or new, has no figure.
   */
  Map<UUID, List<Day>> daily(
      UUID organizationId, Collection<UUID> ids, LocalDate from, LocalDate to, ZoneId zone);

  /**
   * @param state {@code new}, {@code up}, {@code late}, {@code down} or {@code paused}
   * @param since when it came to this state
   * @param reason why, in words ("no ping since 12:00, due every 1 h with 5 min grace")
   */
  record Status(UUID id, String name, String kind, String state, Instant since, String reason) {
    public boolean down() {
      return "down".equals(state);
    }
  }

  /**
   * @param uptime 0..1 of the day's known time not down; null when nothing is known of the day
   * @param downSeconds how long it was down that day
   */
  record Day(LocalDate day, Double uptime, long downSeconds) {}
}
