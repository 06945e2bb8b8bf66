package eu.runlater.monitors;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one check looks for, carried in its task's body (the task is a snapshot: an edit of the
 * monitor replaces the waiting check). The target's own headers travel as the task's headers,
 * secret ones sealed; its request body is {@code body} here.
 *
 * @param kind {@code http} or {@code tcp}
 * @param url an http(s) URL, or {@code tcp://host:port}
 * @param expected the statuses that pass, e.g. {@code 200-299} or {@code 200,204,301-302}
 * @param keywordAbsent true: the check fails when the keyword is in the body
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CheckSpec(
    String kind,
    String url,
    String method,
    String body,
    String expected,
    String keyword,
    boolean keywordAbsent,
    Integer maxResponseMs,
    boolean followRedirects) {

  static final JsonMapper JSON = JsonMapper.builder().build();

  static final String DEFAULT_EXPECTED = "200-299";

  byte[] toJson() {
    return JSON.writeValueAsBytes(this);
  }

  static CheckSpec parse(byte[] json) {
    return JSON.readValue(json, CheckSpec.class);
  }

  /** Whether {@code status} is one of the expected ones. */
  boolean statusExpected(int status) {
    String ranges = expected == null || expected.isBlank() ? DEFAULT_EXPECTED : expected;
    for (String part : ranges.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      try {
        if (dash < 0) {
          if (Integer.parseInt(p) == status) {
            return true;
          }
        } else if (status >= Integer.parseInt(p.substring(0, dash).strip())
            && status <= Integer.parseInt(p.substring(dash + 1).strip())) {
          return true;
        }
      } catch (NumberFormatException e) {
        // validated when the monitor was saved; an odd part matches nothing
      }
    }
    return false;
  }

  /** The request body as bytes, or null. */
  byte[] bodyBytes() {
    return body == null ? null : body.getBytes(StandardCharsets.UTF_8);
  }
}
