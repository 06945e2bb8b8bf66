package eu.runlater.inbound;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The history's view of a limited connection's forwards: such a forward goes through the queue the
 * connection owns as a message whose id is the forward's, so its attempts are executions of source
 * kind {@code message}. Their page names and links the received request, as a direct forward's does
 * ({@link InboundExecutionSource}); a message that is no forward has no owner here, and its page
 * stays the queue message's.
 */
@Component
class ForwardMessageExecutionSource implements ExecutionSource {
  /** The executions of queue messages: {@code queues}' source kind for them. */
  static final String MESSAGE_KIND = "message";

  private final InboundExecutionSource forwards;

  ForwardMessageExecutionSource(InboundExecutionSource forwards) {
    this.forwards = forwards;
  }

  @Override
  public String kind() {
    return MESSAGE_KIND;
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return forwards.owner(organizationId, sourceId);
  }

  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request request) {
    if (forwards.owner(organizationId, sourceId).isPresent()) {
      return forwards.resend(organizationId, sourceId, request);
    }
    throw ApiProblem.conflict(
        "not-retryable", "Only job executions can be retried from the history yet.");
  }
}
