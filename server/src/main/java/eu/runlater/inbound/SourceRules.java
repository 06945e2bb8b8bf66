package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a {@link SourceInput} field by field: every problem is named at once (422), and nothing is
 * written before all of them pass.
 */
final class SourceRules {
  static final int DEFAULT_RATE_REQUESTS = 100;
  static final int DEFAULT_RATE_WINDOW_SECONDS = 1;
  static final int MAX_RESPONSE_BODY = 10 * 1024;

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
  private static final Pattern JSON_PATH =
      Pattern.compile("[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9_-]{1,100}){0,9}");

  private SourceRules() {}

  /** A source's settings, checked; the secret opened. */
  record Draft(
      String name,
      VerificationSpec verification,
      String dedupHeader,
      String dedupJsonPath,
      Integer responseStatus,
      String responseBody,
      String responseType,
      int rateRequests,
      int rateWindowSeconds) {}

  /**
   * @param keptSecret the stored secret an input without one keeps (null on create)
   */
  static Draft check(SourceInput in, String keptSecret) {
    if (in == null) {
      throw ApiProblem.invalid("body", "is required: a JSON object describing the source");
    }
    List<FieldError> errors = new ArrayList<>();
    String name = in.name() == null ? null : in.name().strip();
    if (name == null || name.isEmpty()) {
      errors.add(new FieldError("name", "is required"));
    } else if (name.length() > 200) {
      errors.add(new FieldError("name", "must be at most 200 characters"));
    }
    VerificationSpec spec = VerificationSpec.from(in.verification(), keptSecret, errors);

    String dedupHeader = null;
    String dedupPath = null;
    if (in.dedup() != null) {
      dedupHeader = blankToNull(in.dedup().header());
      dedupPath = blankToNull(in.dedup().jsonPath());
      if (dedupHeader != null && dedupPath != null) {
        errors.add(new FieldError("dedup", "give header or json_path, not both"));
      }
      if (dedupHeader != null && !HEADER_NAME.matcher(dedupHeader).matches()) {
        errors.add(new FieldError("dedup.header", "is not a valid header name"));
      }
      if (dedupPath != null && !JSON_PATH.matcher(dedupPath).matches()) {
        errors.add(
            new FieldError(
                "dedup.json_path", "must be dotted field names, such as id or data.object.id"));
      }
    }

    Integer status = null;
    String body = null;
    String type = null;
    if (in.response() != null) {
      status = in.response().status();
      if (status != null && (status < 200 || status > 299)) {
        errors.add(new FieldError("response.status", "must be 200 to 299"));
      }
      body = in.response().body();
      if (body != null && body.length() > MAX_RESPONSE_BODY) {
        errors.add(new FieldError("response.body", "must be at most 10 KB"));
      }
      type = blankToNull(in.response().contentType());
      if (type != null && (type.length() > 200 || type.chars().anyMatch(c -> c < 0x20))) {
        errors.add(new FieldError("response.content_type", "is not a valid content type"));
      }
      if (body != null && type == null) {
        type = "text/plain";
      }
      if (status == null && body != null) {
        status = 202;
      }
    }

    int requests = DEFAULT_RATE_REQUESTS;
    int window = DEFAULT_RATE_WINDOW_SECONDS;
    if (in.rateLimit() != null) {
      if (in.rateLimit().requests() != null) {
        requests = in.rateLimit().requests();
        if (requests < 1 || requests > 100_000) {
          errors.add(new FieldError("rate_limit.requests", "must be 1 to 100000"));
        }
      }
      if (in.rateLimit().perSeconds() != null) {
        window = in.rateLimit().perSeconds();
        if (window < 1 || window > 3600) {
          errors.add(new FieldError("rate_limit.per_seconds", "must be 1 to 3600"));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return new Draft(name, spec, dedupHeader, dedupPath, status, body, type, requests, window);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
