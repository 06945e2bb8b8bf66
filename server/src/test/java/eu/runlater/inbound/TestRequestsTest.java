package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.inbound.VerificationSpec.Algorithm;
import eu.runlater.inbound.VerificationSpec.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's test request is signed as each provider signs, so it passes its source's
 * verification; and with another secret it does not (the signature is real, not skipped).
 */
class TestRequestsTest {
  private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");
  private static final String URL = "https://hooks.example.com/in/tok";

  private static List<VerificationSpec> specs(String secret) {
    List<VerificationSpec> specs = new ArrayList<>();
    for (Type t : Type.values()) {
      switch (t) {
        case NONE -> {}
        case HMAC -> {
          specs.add(
              new VerificationSpec(
                  t, secret, "X-Sig", Algorithm.SHA512, "base64", "v=", null, 300));
          specs.add(
              new VerificationSpec(t, secret, "X-Sig", Algorithm.SHA1, "hex", null, null, 300));
        }
        case API_KEY ->
            specs.add(new VerificationSpec(t, secret, "X-Api-Key", null, null, null, null, 300));
        case BASIC_AUTH ->
            specs.add(new VerificationSpec(t, secret, null, null, null, null, "acme", 300));
        default -> specs.add(new VerificationSpec(t, secret, null, null, null, null, null, 300));
      }
    }
    return specs;
  }

  private static Verifier.Result verify(VerificationSpec signedWith, VerificationSpec checkedWith) {
    Source source =
        new Source(
            UUID.randomUUID(),
            UUID.randomUUID(),
            "s",
            "tok",
            signedWith,
            null,
            null,
            null,
            null,
            null,
            100,
            1,
            AT,
            AT,
            1,
            "pro");
    Received r = TestRequests.sample(source, URL, "127.0.0.1", AT);
    Map<String, List<String>> headers = new HashMap<>();
    r.headers()
        .forEach(
            h ->
                headers
                    .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.getValue()));
    return Verifier.verify(
        checkedWith,
        new Verifier.Request(r.method(), r.url(), headers, r.body(), r.contentType(), AT));
  }

  @Test
  void the_sample_passes_every_kind_of_verification_under_the_sources_secret() {
    // Standard Webhooks' secret is a base64 key after whsec_.
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    for (VerificationSpec spec : specs(secret)) {
      assertThat(verify(spec, spec).verified()).as(spec.type().code).isTrue();
    }
  }

  @Test
  void the_sample_fails_verification_under_another_secret() {
    List<VerificationSpec> signed = specs("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    List<VerificationSpec> checked = specs("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
    for (int i = 0; i < signed.size(); i++) {
      assertThat(verify(signed.get(i), checked.get(i)).verified())
          .as(signed.get(i).type().code)
          .isFalse();
    }
  }
}
