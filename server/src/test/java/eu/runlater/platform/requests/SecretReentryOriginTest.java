package eu.runlater.platform.requests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which URL changes keep a stored secret's origin, read as the delivery's HTTP client reads it. */
class SecretReentryOriginTest {

  @Test
  void names_the_jdk_cannot_read_as_a_server_are_never_one_origin() {
    // URI.getHost() is null for both, and both ports looked like the default: they compared equal.
    assertThat(
            SecretReentry.sameOrigin("http://billing_api:8080/x", "http://a_b.attacker.net:9999/"))
        .isFalse();
    assertThat(SecretReentry.sameOrigin("http://billing_api:8080/x", "http://billing_api:8080/y"))
        .isTrue();
    assertThat(SecretReentry.sameOrigin("http://billing_api/x", "http://other_api/x")).isFalse();
    assertThat(SecretReentry.sameOrigin("http://127.1/x", "http://127.2/x")).isFalse();
  }

  @Test
  void the_scheme_the_host_in_any_case_and_the_default_port_make_the_origin() {
    assertThat(SecretReentry.sameOrigin("https://Example.com/a", "https://example.com:443/b?c=d"))
        .isTrue();
    assertThat(SecretReentry.sameOrigin("http://example.com/a", "https://example.com/a")).isFalse();
    assertThat(SecretReentry.sameOrigin("https://example.com/a", "https://example.com:8443/a"))
        .isFalse();
    assertThat(SecretReentry.sameOrigin("http://[::1]:8080/a", "http://[::1]:8080/b")).isTrue();
    assertThat(SecretReentry.sameOrigin("http://[::1]:8080/a", "http://[::2]:8080/a")).isFalse();
    assertThat(
            SecretReentry.sameOrigin("https://user@example.com/a", "https://evil.example@x.io/a"))
        .isFalse();
    assertThat(SecretReentry.sameOrigin("not a url", "also not")).isFalse();
  }
}
