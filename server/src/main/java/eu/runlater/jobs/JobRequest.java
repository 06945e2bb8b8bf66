package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.engine.TaskRequest;
import java.util.List;

/**
 * A job's HTTP request as stored: plain headers, the secret ones sealed together, and a body that
 * may be sealed. The same sealed bytes go into each task, so secrets are encrypted once.
 */
record JobRequest(
    String url,
    String method,
    List<Header> headers,
    byte[] sealedHeaders,
    List<String> secretHeaderNames,
    byte[] body,
    boolean bodySealed,
    int timeoutMs) {

  public TaskRequest toTask() {
    return new TaskRequest(url, method, headers, sealedHeaders, body, bodySealed, timeoutMs);
  }
}
