package eu.runlater.platform.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The liveness and lookahead settings: their defaults, and a start refused with the key to change.
 */
class EnginePropertiesTest {
  private static EngineProperties of(Duration heartbeat, Duration deadAfter) {
    return new EngineProperties(
        null, null, null, null, null, null, heartbeat, deadAfter, null, null);
  }

  private static EngineProperties lookahead(Duration lookahead) {
    return new EngineProperties(null, null, null, null, null, null, null, null, lookahead, null);
  }

  @Test
  void claims_a_second_ahead_by_default_and_refuses_a_lookahead_out_of_range() {
    assertThat(lookahead(null).lookahead()).isEqualTo(Duration.ofSeconds(1));
    assertThat(lookahead(Duration.ZERO).lookahead()).isZero();
    assertThatThrownBy(() -> lookahead(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runlater.engine.lookahead (RUNLATER_LOOKAHEAD)");
    assertThatThrownBy(() -> lookahead(Duration.ofMillis(-1)))
        .hasMessageContaining("RUNLATER_LOOKAHEAD");
  }

  private static EngineProperties completers(Integer completers) {
    return new EngineProperties(null, null, null, null, null, null, null, null, null, completers);
  }

  @Test
  void one_completer_by_default_and_at_most_eight() {
    assertThat(completers(null).completers()).isEqualTo(1);
    assertThat(completers(2).completers()).isEqualTo(2);
    assertThatThrownBy(() -> completers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runlater.engine.completers (RUNLATER_COMPLETERS) must be 1 to 8");
    assertThatThrownBy(() -> completers(9)).hasMessageContaining("got 9");
  }

  @Test
  void heartbeat_every_two_seconds_and_dead_after_ten_by_default() {
    EngineProperties defaults = of(null, null);
    assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.deadAfter()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void dead_after_shorter_than_three_heartbeats_stops_the_start_naming_both_keys() {
    assertThatThrownBy(() -> of(Duration.ofSeconds(2), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runlater.engine.dead-after (RUNLATER_DEAD_AFTER)")
        .hasMessageContaining("runlater.engine.heartbeat-interval PT2S");
    assertThatThrownBy(() -> of(Duration.ofMillis(50), null))
        .hasMessageContaining("RUNLATER_HEARTBEAT_INTERVAL");
    assertThat(of(Duration.ofMillis(500), Duration.ofMillis(1500)).deadAfter())
        .isEqualTo(Duration.ofMillis(1500));
  }
}
