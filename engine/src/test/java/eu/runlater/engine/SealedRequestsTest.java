package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SealedRequestsTest {
  final SecretBox box = SecretBox.fromConfigured(SecretBox.generateKey());

  @Test
  void credential_headers_are_sealed_by_name_and_named_ones_on_request() {
    TaskRequest request =
        SealedRequests.seal(
            box,
            "https://example.com/hook",
            "POST",
            List.of(
                new Header("Authorization", "Bearer abc"),
                new Header("X-Api-Key", "k-123"),
                new Header("X-Customer-Token", "t-9"),
                new Header("X-Tenant", "acme"),
                new Header("Content-Type", "application/json")),
            Set.of("x-tenant"),
            "{}".getBytes(),
            false,
            30_000);
    assertThat(request.headers()).extracting(Header::name).containsExactly("Content-Type");
    String sealed = new String(request.sealedHeaders(), StandardCharsets.ISO_8859_1);
    assertThat(sealed).doesNotContain("Bearer abc").doesNotContain("k-123").doesNotContain("acme");

    assertThat(SealedRequests.openHeaders(box, request))
        .contains(new Header("Authorization", "Bearer abc"), new Header("X-Tenant", "acme"));
    assertThat(SealedRequests.maskedHeaders(box, request))
        .contains(new Header("Authorization", SealedRequests.MASK))
        .doesNotContain(new Header("Authorization", "Bearer abc"));
    assertThat(request.bodySealed()).isFalse();
  }

  @Test
  void a_secret_body_is_sealed_and_opens_for_sending() {
    TaskRequest request =
        SealedRequests.seal(
            box,
            "https://example.com",
            "POST",
            List.of(),
            Set.of(),
            "pin=1234".getBytes(),
            true,
            30_000);
    assertThat(request.bodySealed()).isTrue();
    assertThat(new String(request.body(), StandardCharsets.ISO_8859_1)).doesNotContain("1234");
    assertThat(SealedRequests.openBody(box, request)).isEqualTo("pin=1234".getBytes());
  }

  @Test
  void says_which_headers_are_runlaters_which_an_attempt_adds_and_which_show_masked() {
    assertThat(List.of("User-Agent", "webhook-signature", "Runlater-Job-Id", "Host", "TE"))
        .allMatch(SealedRequests::reserved);
    assertThat(List.of("traceparent", "Authorization", "X-Tenant", "webhook-custom"))
        .noneMatch(SealedRequests::reserved);

    assertThat(List.of("webhook-id", "Runlater-Attempt", "user-agent", "Traceparent"))
        .allMatch(SealedRequests::addedPerAttempt);
    assertThat(List.of("Authorization", "Content-Type")).noneMatch(SealedRequests::addedPerAttempt);

    assertThat(SealedRequests.maskedWhenShown("Authorization")).isTrue();
    assertThat(SealedRequests.maskedWhenShown("X-Session-Id")).isTrue();
    assertThat(SealedRequests.maskedWhenShown("webhook-signature")).isFalse();
    assertThat(SealedRequests.maskedWhenShown("Content-Type")).isFalse();
  }
}
