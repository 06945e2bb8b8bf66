package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void v7_ids_carry_their_creation_millisecond_and_version() {
    Instant at = Instant.parse("2026-11-22T10:15:30.123Z");
    UUID id = Ids.v7(at);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(Ids.instantOf(id)).isEqualTo(at);
  }

  @Test
  void v7_ids_sort_by_time() {
    UUID earlier = Ids.v7(Instant.parse("2026-01-01T00:00:00Z"));
    UUID later = Ids.v7(Instant.parse("2026-01-01T00:00:00.001Z"));
    assertThat(earlier.toString()).isLessThan(later.toString());
  }
}
