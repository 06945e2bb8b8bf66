package eu.runlater.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Quiet times: nothing alerts while one is on. One-off (from, until) or recurring (a cron
 * expression in a time zone, each occurrence lasting a duration; DST as the cron module rules).
 */
@Service
class MaintenanceWindows {

  /**
   * A window as stored and shown.
   *
   * @param startsAt one-off: its start; null when recurring
   * @param cron recurring: when each window starts (five fields); null when one-off
   * @param nextStart when it next begins (or began, if on now), for the page
   */
  record Window(
      UUID id,
      String name,
      Instant startsAt,
      Instant endsAt,
      String cron,
      String timeZone,
      Duration duration,
      Instant nextStart,
      boolean activeNow,
      Instant createdAt) {}

  /** A window to create or replace; checked, 422 naming the field. */
  record WindowInput(
      String name,
      Instant startsAt,
      Instant endsAt,
      String cron,
      String timeZone,
      Duration duration) {}

  List<Window> list(UUID organizationId) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  Optional<Window> find(UUID organizationId, UUID id) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  Window create(UUID organizationId, WindowInput input) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  Window replace(UUID organizationId, UUID id, WindowInput input) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  void delete(UUID organizationId, UUID id) {
    throw new UnsupportedOperationException("built by the rules branch");
  }

  /** The window on at {@code now}, if any (the one ending last). */
  Optional<Window> activeAt(UUID organizationId, Instant now) {
    throw new UnsupportedOperationException("built by the rules branch");
  }
}
