package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.monitors.MonitorStatuses.Change;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Uptime by day from a monitor's timeline (what status pages' 90-day bars show). */
class MonitorUptimeTest {
  static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void a_day_is_the_share_of_its_known_time_not_down() {
    Instant created = Instant.parse("2026-05-01T00:00:00Z");
    List<Change> changes =
        List.of(
            new Change(Instant.parse("2026-05-01T06:00:00Z"), "up"),
            new Change(Instant.parse("2026-05-02T12:00:00Z"), "down"),
            new Change(Instant.parse("2026-05-02T18:00:00Z"), "up"),
            new Change(Instant.parse("2026-05-03T00:00:00Z"), "paused"));
    var days =
        MonitorStatuses.days(
            created,
            changes,
            LocalDate.parse("2026-04-30"),
            LocalDate.parse("2026-05-04"),
            UTC,
            Instant.parse("2026-05-10T00:00:00Z"));
    assertThat(days).hasSize(5);
    assertThat(days.get(0).uptime()).isNull(); // before it existed
    assertThat(days.get(1).uptime()).isEqualTo(1.0); // new until 06:00, then up
    assertThat(days.get(2).uptime()).isEqualTo(0.75); // 6 h down of 24
    assertThat(days.get(2).downSeconds()).isEqualTo(6 * 3600);
    assertThat(days.get(3).uptime()).isNull(); // paused all day
    assertThat(days.get(4).uptime()).isNull();
  }

  @Test
  void today_counts_only_up_to_now_and_a_day_in_a_zone_is_its_local_day() {
    Instant created = Instant.parse("2026-05-01T00:00:00Z");
    List<Change> changes =
        List.of(
            new Change(Instant.parse("2026-05-01T00:00:00Z"), "up"),
            new Change(Instant.parse("2026-05-01T21:00:00Z"), "down"));
    var days =
        MonitorStatuses.days(
            created,
            changes,
            LocalDate.parse("2026-05-01"),
            LocalDate.parse("2026-05-01"),
            ZoneId.of("Europe/Oslo"), // 2026-05-01 is 2026-04-30T22:00Z .. 2026-05-01T22:00Z
            Instant.parse("2026-05-01T22:00:00Z"));
    // known 00:00Z-22:00Z = 22 h (from creation), down 21:00Z-22:00Z = 1 h
    assertThat(days.getFirst().downSeconds()).isEqualTo(3600);
    assertThat(days.getFirst().uptime())
        .isCloseTo(21.0 / 22.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
