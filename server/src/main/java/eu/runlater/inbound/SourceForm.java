package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source form's fields: read from a post into the API's {@link SourceInput} (so the page and
 * the API check a source with the same rules), and the API's field errors named by the form's
 * fields, each said in words beside its field. The secret is never put back into the form.
 */
final class SourceForm {
  /** The verification choices, by code, as the form names them. */
  static final Map<String, String> TYPES = types();

  /**
   * The verifications whose providers sign a timestamp, the only ones the tolerance bounds (see
   * {@code Verifier}: Stripe's and Paddle's {@code timestampedHex}, Slack's and Standard Webhooks'
   * own checks), so the pages offer and show the tolerance for these alone.
   */
  static final List<String> TIMESTAMPED = List.of("stripe", "slack", "standard_webhooks", "paddle");

  static final List<String> FIELDS =
      List.of(
          "name",
          "type",
          "secret",
          "header",
          "algorithm",
          "encoding",
          "prefix",
          "username",
          "tolerance",
          "dedupHeader",
          "dedupJsonPath",
          "responseStatus",
          "responseBody",
          "responseType",
          "rateRequests",
          "ratePerSeconds");

  /** The API's field names (as its errors name them) and the form's. */
  private static final Map<String, String> BY_API_FIELD =
      Map.ofEntries(
          Map.entry("name", "name"),
          Map.entry("verification.type", "type"),
          Map.entry("verification.secret", "secret"),
          Map.entry("verification.header", "header"),
          Map.entry("verification.algorithm", "algorithm"),
          Map.entry("verification.encoding", "encoding"),
          Map.entry("verification.prefix", "prefix"),
          Map.entry("verification.username", "username"),
          Map.entry("verification.tolerance_seconds", "tolerance"),
          Map.entry("dedup", "dedupHeader"),
          Map.entry("dedup.header", "dedupHeader"),
          Map.entry("dedup.json_path", "dedupJsonPath"),
          Map.entry("response.status", "responseStatus"),
          Map.entry("response.body", "responseBody"),
          Map.entry("response.content_type", "responseType"),
          Map.entry("rate_limit.requests", "rateRequests"),
          Map.entry("rate_limit.per_seconds", "ratePerSeconds"));

  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("name", "Name"),
          Map.entry("type", "Verification"),
          Map.entry("secret", "Secret"),
          Map.entry("header", "Header"),
          Map.entry("algorithm", "Algorithm"),
          Map.entry("encoding", "Encoding"),
          Map.entry("prefix", "Prefix"),
          Map.entry("username", "User name"),
          Map.entry("tolerance", "Tolerance"),
          Map.entry("dedupHeader", "Event id header"),
          Map.entry("dedupJsonPath", "Event id field"),
          Map.entry("responseStatus", "Response status"),
          Map.entry("responseBody", "Response body"),
          Map.entry("responseType", "Response content type"),
          Map.entry("rateRequests", "Rate limit"),
          Map.entry("ratePerSeconds", "Rate window"));

  private SourceForm() {}

  private static Map<String, String> types() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("none", "None (anyone with the URL)");
    t.put("stripe", "Stripe");
    t.put("github", "GitHub");
    t.put("shopify", "Shopify");
    t.put("slack", "Slack (answers its URL check)");
    t.put("twilio", "Twilio");
    t.put("standard_webhooks", "Standard Webhooks / Svix");
    t.put("paddle", "Paddle");
    t.put("lemon_squeezy", "Lemon Squeezy");
    t.put("hmac", "Generic HMAC");
    t.put("basic_auth", "Basic auth");
    t.put("api_key", "API key header");
    return t;
  }

  static Map<String, String> empty() {
    Map<String, String> v = new LinkedHashMap<>();
    FIELDS.forEach(f -> v.put(f, ""));
    v.put("type", "none");
    return v;
  }

  /** The posted fields, as typed (the secret kept only to be checked, never shown again). */
  static Map<String, String> values(HttpServletRequest request) {
    Map<String, String> v = InboundForms.values(request, FIELDS);
    if (v.get("type").isBlank()) {
      v.put("type", "none");
    }
    return v;
  }

  /** A stored source's fields for its edit form; the secret left empty (kept unless typed). */
  static Map<String, String> of(SourceView s) {
    Map<String, String> v = empty();
    v.put("name", s.name());
    var ver = s.verification();
    v.put("type", ver.type());
    v.put("header", text(ver.header()));
    v.put("algorithm", text(ver.algorithm()));
    v.put("encoding", text(ver.encoding()));
    v.put("prefix", text(ver.prefix()));
    v.put("username", text(ver.username()));
    v.put("tolerance", text(ver.toleranceSeconds()));
    if (s.dedup() != null) {
      v.put("dedupHeader", text(s.dedup().header()));
      v.put("dedupJsonPath", text(s.dedup().jsonPath()));
    }
    if (s.response() != null) {
      v.put("responseStatus", text(s.response().status()));
      v.put("responseBody", text(s.response().body()));
      v.put("responseType", text(s.response().contentType()));
    }
    v.put("rateRequests", text(s.rateLimit().requests()));
    v.put("ratePerSeconds", text(s.rateLimit().perSeconds()));
    return v;
  }

  /** The form as the API's input; a number that is no number is refused beside its field. */
  static SourceInput input(Map<String, String> v) {
    List<FieldError> errors = new ArrayList<>();
    Integer tolerance =
        InboundForms.number(v.get("tolerance"), "verification.tolerance_seconds", errors);
    Integer status = InboundForms.number(v.get("responseStatus"), "response.status", errors);
    Integer requests = InboundForms.number(v.get("rateRequests"), "rate_limit.requests", errors);
    Integer per = InboundForms.number(v.get("ratePerSeconds"), "rate_limit.per_seconds", errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    String type = v.get("type");
    SourceInput.Verification verification =
        "none".equals(type)
            ? null
            : new SourceInput.Verification(
                type,
                blank(v.get("secret")),
                blank(v.get("header")),
                blank(v.get("algorithm")),
                blank(v.get("encoding")),
                blank(v.get("prefix")),
                blank(v.get("username")),
                tolerance);
    String dedupHeader = blank(v.get("dedupHeader"));
    String dedupPath = blank(v.get("dedupJsonPath"));
    String body = v.get("responseBody").isEmpty() ? null : v.get("responseBody");
    String contentType = blank(v.get("responseType"));
    return new SourceInput(
        v.get("name"),
        verification,
        dedupHeader == null && dedupPath == null
            ? null
            : new SourceInput.Dedup(dedupHeader, dedupPath),
        status == null && body == null && contentType == null
            ? null
            : new SourceInput.Response(status, body, contentType),
        new SourceInput.RateLimit(requests, per));
  }

  /** The problem's field errors by the form's field, in words. */
  static Map<String, String> errors(ApiProblem problem) {
    return InboundForms.errors(problem, BY_API_FIELD, LABELS, Map.of());
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }
}
