package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.Header;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A call is validated when built, so a bad header can never reach the wire. */
class HttpCallTest {
  private static final URI URL = URI.create("https://example.com/hook");

  private static HttpCall withHeader(String name, String value) {
    return new HttpCall(URL, "POST", List.of(new Header(name, value)), null, Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "CONNECTION"})
  void rejects_headers_the_http_client_owns(String name) {
    assertThat(HttpCall.isReservedHeader(name)).isTrue();
    assertThatThrownBy(() -> withHeader(name, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header " + name + " is set by the HTTP client from the URL and body; remove it");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nInjected: yes", "line\nbreak", "nul\0"})
  void rejects_header_values_that_could_inject_headers_without_echoing_them(String value) {
    assertThatThrownBy(() -> withHeader("X-Token", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header X-Token has a line break or NUL in its value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "X Token", "X-Token:", "Ünïcode"})
  void rejects_header_names_that_are_not_tokens(String name) {
    assertThatThrownBy(() -> withHeader(name, "v")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejects_methods_that_are_not_tokens_and_timeouts_that_are_not_positive() {
    assertThatThrownBy(() -> HttpCall.of(URL, "GET /x", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpCall.of(URL, "POST", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }

  @Test
  void accepts_ordinary_headers_including_duplicates() {
    HttpCall call =
        new HttpCall(
            URL,
            "PUT",
            List.of(new Header("X-A", "1"), new Header("x-a", "2"), new Header("Accept", "*/*")),
            new byte[0],
            Duration.ofSeconds(30));

    assertThat(call.headers()).hasSize(3);
  }

  @Test
  void config_validation_says_what_to_change() {
    HttpDeliveryConfig config = HttpDeliveryConfig.defaults(AddressPolicy.publicOnly());

    assertThat(config.maxConnections()).isEqualTo(256);
    assertThat(config.maxResponseBytes()).isEqualTo(256 * 1024);
    assertThat(config.userAgent()).isEqualTo("Runlater/dev");
    assertThat(config.connectTimeoutCap()).isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> config.withMaxConnections(0))
        .hasMessage("maxConnections must be from 1 to 100000, not 0");
    assertThatThrownBy(() -> config.withMaxResponseBytes(-1))
        .hasMessageContaining("maxResponseBytes must be from 0 to");
    assertThatThrownBy(() -> config.withUserAgent("a\r\nb"))
        .hasMessageContaining("userAgent must be a non-blank single line");
    assertThatThrownBy(() -> config.withConnectTimeoutCap(Duration.ZERO))
        .hasMessageContaining("connectTimeoutCap must be positive");
  }
}
