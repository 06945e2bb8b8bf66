package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void json_selects_structured_console_logging_and_text_or_nothing_keeps_the_default() {
    assertThat(LogFormat.structuredFormat("json")).isEqualTo("logstash");
    assertThat(LogFormat.structuredFormat("JSON")).isEqualTo("logstash");
    assertThat(LogFormat.structuredFormat(null)).isNull();
    assertThat(LogFormat.structuredFormat("text")).isNull();
  }

  @Test
  void an_unknown_format_fails_fast_naming_the_choices() {
    assertThatThrownBy(() -> LogFormat.structuredFormat("xml"))
        .hasMessageContaining("'json' or 'text'");
  }
}
