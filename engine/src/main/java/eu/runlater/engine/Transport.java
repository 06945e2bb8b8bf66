package eu.runlater.engine;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Delivers the tasks whose URL has a scheme other than {@code http} or {@code https} — {@code
 * mailto:} for alert mail, say — so that such a delivery is a task like any other: durable, retried
 * with backoff, fenced, and recorded attempt by attempt in the history. Registered per scheme with
 * {@link Engine.Builder#transport}; a task whose scheme has no transport fails at once as refused.
 *
 * <p>It answers in HTTP's terms, so the delivery contract decides what follows: a 2xx {@link
 * Answer} succeeds; 408, 429 and 5xx are retried; any other status fails at once. An {@link
 * IOException} is a failure worth retrying (the relay is down). The target is the real URL (opened
 * when sealed); it is not checked against the {@link TargetPolicy}, which is about HTTP hosts: a
 * transport reaches only where the operator configured it to.
 */
@FunctionalInterface
public interface Transport {

  Answer send(Message message) throws IOException;

  /**
   * One attempt: the task's request with its secrets opened, and Runlater's headers added
   * (signature included).
   */
  record Message(
      UUID taskId,
      UUID organizationId,
      int attempt,
      URI target,
      String method,
      List<Header> headers,
      byte[] body,
      Duration timeout) {
    public Message {
      headers = List.copyOf(headers);
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * What the far side said, as an HTTP status (an SMTP relay's 250 is a 200), with what to keep as
   * the response (a relay's reply line, say).
   */
  record Answer(int status, List<Header> headers, byte[] body) {
    public Answer {
      headers = List.copyOf(headers);
      Objects.requireNonNull(body, "body");
    }

    public static Answer ok(String reply) {
      return new Answer(200, List.of(), reply.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
