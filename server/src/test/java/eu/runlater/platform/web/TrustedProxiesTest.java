package eu.runlater.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class TrustedProxiesTest {

  @Test
  void by_default_nobody_is_trusted_not_even_a_proxy_on_this_machine() {
    TrustedProxies none = TrustedProxies.parse("");
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.clientAddress("127.0.0.1", List.of("203.0.113.5"))).isEqualTo("127.0.0.1");
    assertThat(none.clientAddress("10.0.0.7", List.of("127.0.0.1"))).isEqualTo("10.0.0.7");

    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login");
    request.setRemoteAddr("127.0.0.1");
    request.addHeader("X-Forwarded-For", "203.0.113.5");
    request.addHeader("X-Forwarded-Proto", "https");
    request.addHeader("Forwarded", "for=203.0.113.5;proto=https");
    var seen = new ForwardedHeaders.Forwarded(request, none);
    assertThat(seen.getRemoteAddr()).isEqualTo("127.0.0.1");
    assertThat(seen.isSecure()).isFalse();
    assertThat(seen.getScheme()).isEqualTo("http");
    // Nothing after the filter can read them again.
    assertThat(seen.getHeader("X-Forwarded-For")).isNull();
    assertThat(seen.getHeader("forwarded")).isNull();
    assertThat(Collections.list(seen.getHeaderNames()))
        .noneMatch(h -> h.toLowerCase().contains("forwarded"));
  }

  @Test
  void a_listed_proxy_gives_the_right_most_address_that_is_not_a_listed_proxy() {
    TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8 , 192.168.1.5,2001:db8::/32");
    assertThat(proxies.clientAddress("10.1.2.3", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    // Left of the client: whatever the client sent; right of it: proxies.
    assertThat(proxies.clientAddress("10.1.2.3", List.of("127.0.0.1, 198.51.100.4, 192.168.1.5")))
        .isEqualTo("198.51.100.4");
    assertThat(proxies.clientAddress("10.1.2.3", List.of("127.0.0.1", "198.51.100.4")))
        .isEqualTo("198.51.100.4");
    assertThat(proxies.clientAddress("2001:db8::1", List.of("[2001:db8:1::5]:443, 10.0.0.1")))
        .isEqualTo("2001:db8:1:0:0:0:0:5");
    assertThat(proxies.clientAddress("10.1.2.3", List.of("198.51.100.4:5123")))
        .isEqualTo("198.51.100.4");
    // Nothing forwarded, or only proxies, or garbage: the address the proxies vouch for.
    assertThat(proxies.clientAddress("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    assertThat(proxies.clientAddress("10.1.2.3", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
    assertThat(proxies.clientAddress("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
    // Not a listed proxy: its headers mean nothing.
    assertThat(proxies.clientAddress("192.168.1.6", List.of("203.0.113.9")))
        .isEqualTo("192.168.1.6");

    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login");
    request.setRemoteAddr("10.1.2.3");
    request.setServerName("runlater.example.com");
    request.setServerPort(80);
    request.addHeader("X-Forwarded-For", "203.0.113.9");
    request.addHeader("X-Forwarded-Proto", "https");
    var seen = new ForwardedHeaders.Forwarded(request, proxies);
    assertThat(seen.getRemoteAddr()).isEqualTo("203.0.113.9");
    assertThat(seen.isSecure()).isTrue();
    assertThat(seen.getRequestURL().toString()).isEqualTo("https://runlater.example.com/login");
  }

  @Test
  void a_setting_that_is_not_addresses_says_what_to_write() {
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, proxy.internal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RUNLATER_TRUSTED_PROXIES")
        .hasMessageContaining("'proxy.internal'")
        .hasMessageContaining("e.g.");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1/8"))
        .hasMessageContaining("did you mean 10.0.0.0/8");
  }
}
