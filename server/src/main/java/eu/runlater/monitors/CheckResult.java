package eu.runlater.monitors;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What a check found, as the check transport answers it (the JSON body of its 200 or 417) and as
 * the outcome hook reads it back from the execution.
 *
 * @param ok whether every expectation held
 * @param status the target's HTTP status (0 for a TCP connect), or null with no answer
 * @param durationMs how long the probe took, redirects included
 * @param reason with a failure, which expectation failed, in words
 * @param tlsNotAfter over HTTPS, when the server's certificate expires
 * @param remoteAddress the address the probe reached
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CheckResult(
    boolean ok,
    Integer status,
    long durationMs,
    String reason,
    Instant tlsNotAfter,
    String remoteAddress) {

  byte[] toJson() {
    return CheckSpec.JSON.writeValueAsBytes(this);
  }

  static CheckResult parse(byte[] json) {
    return CheckSpec.JSON.readValue(json, CheckResult.class);
  }
}
