package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartitionsTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void keeps_daily_partitions_ahead_and_drops_those_past_the_retention() throws Exception {
    Partitions partitions = new Partitions(fixture.db, 3, Duration.ofDays(10));
    Instant later = Instant.now().plus(Duration.ofDays(30));

    var result = partitions.runOnce(later);
    assertThat(result.created()).isEqualTo(5); // yesterday .. +3 days, relative to "later"
    String lastDay =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd")
            .format(later.plus(Duration.ofDays(3)).atZone(java.time.ZoneOffset.UTC));
    assertThat(partitions.existing()).contains(Partitions.PREFIX + lastDay);
    // The partitions the migration made around today are now past the 10-day retention.
    assertThat(result.dropped()).isGreaterThanOrEqualTo(8);
    assertThat(partitions.existing()).hasSize(5);
    assertThat(partitions.runOnce(later)).isEqualTo(new Partitions.Result(0, 0));
  }
}
