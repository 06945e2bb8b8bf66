package eu.runlater.inbound;

import java.time.Instant;
import java.util.UUID;

/**
 * A source as the API shows it: its hosted URL, and its verification without the secret.
 *
 * @param url where the provider sends its webhooks (any method; anything after it is kept as the
 *     request's path)
 */
record SourceView(
    UUID id,
    String name,
    String url,
    VerificationView verification,
    SourceInput.Dedup dedup,
    SourceInput.Response response,
    SourceInput.RateLimit rateLimit,
    Instant createdAt,
    Instant updatedAt) {

  /** The verification's settings; {@code secret_set} says a secret is stored (never shown). */
  record VerificationView(
      String type,
      boolean secretSet,
      String header,
      String algorithm,
      String encoding,
      String prefix,
      String username,
      Integer toleranceSeconds) {}

  static SourceView of(Source s, String url) {
    VerificationSpec v = s.verification();
    boolean none = v.type() == VerificationSpec.Type.NONE;
    return new SourceView(
        s.id(),
        s.name(),
        url,
        new VerificationView(
            v.type().code,
            v.secret() != null,
            v.header(),
            v.algorithm() == null ? null : v.algorithm().code(),
            v.encoding(),
            v.prefix(),
            v.username(),
            none ? null : v.toleranceSeconds()),
        s.dedupHeader() == null && s.dedupJsonPath() == null
            ? null
            : new SourceInput.Dedup(s.dedupHeader(), s.dedupJsonPath()),
        s.responseStatus() == null
            ? null
            : new SourceInput.Response(s.responseStatus(), s.responseBody(), s.responseType()),
        new SourceInput.RateLimit(s.rateRequests(), s.rateWindowSeconds()),
        s.createdAt(),
        s.updatedAt());
  }

  /** What a patch applies to: the source as input, its secret left out (kept unless given). */
  SourceInput asInput() {
    return new SourceInput(
        name,
        new SourceInput.Verification(
            verification.type(),
            null,
            verification.header(),
            verification.algorithm(),
            verification.encoding(),
            verification.prefix(),
            verification.username(),
            verification.toleranceSeconds()),
        dedup,
        response,
        rateLimit);
  }
}
