package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperatorContactTest {
  @Test
  void an_address_becomes_a_mailto_link_a_web_address_a_link_and_text_stays_text() {
    assertThat(new OperatorContact(" ops@example.org ").href()).isEqualTo("mailto:ops@example.org");
    assertThat(new OperatorContact("https://example.org/support").href())
        .isEqualTo("https://example.org/support");
    var text = new OperatorContact("the platform team");
    assertThat(text.text()).isEqualTo("the platform team");
    assertThat(text.href()).isNull();
    assertThat(new OperatorContact("").text()).isNull();
    assertThat(new OperatorContact("javascript:alert(1)").href()).isNull();
  }

  @Test
  void a_contact_of_several_lines_or_too_long_stops_the_start_naming_the_setting() {
    assertThatThrownBy(() -> new OperatorContact("ops@example.org\nBcc: x@example.org"))
        .hasMessageContaining("RUNLATER_OPERATOR_CONTACT");
    assertThatThrownBy(() -> new OperatorContact("x".repeat(201)))
        .hasMessageContaining("RUNLATER_OPERATOR_CONTACT");
  }
}
