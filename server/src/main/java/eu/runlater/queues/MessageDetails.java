package eu.runlater.queues;

import eu.runlater.engine.SecretBox;
import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionView;
import eu.runlater.executions.Executions;
import eu.runlater.platform.api.Page;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** A message as the API and the pages show it: secrets masked, with every attempt (detail). */
@Component
class MessageDetails {
  private final Executions executions;
  private final SecretBox secrets;

  MessageDetails(Executions executions, SecretBox secrets) {
    this.executions = executions;
    this.secrets = secrets;
  }

  MessageView summary(Message m) {
    return MessageView.of(m, secrets, null);
  }

  MessageView detail(UUID organizationId, Message m) {
    return MessageView.of(m, secrets, attempts(organizationId, m));
  }

  /** The message's page: its state, numbered attempts and the newest attempt's response. */
  MessagePage page(UUID organizationId, Message m, MessageStates.Row row) {
    List<ExecutionView> attempts = attempts(organizationId, m);
    Execution last =
        attempts.isEmpty()
            ? null
            : executions.find(organizationId, attempts.getFirst().id()).orElse(null);
    return MessagePage.of(row, attempts, last);
  }

  private List<ExecutionView> attempts(UUID organizationId, Message m) {
    return executions.listBySource(organizationId, m.id(), null, null, Page.MAX_LIMIT).stream()
        .filter(e -> Message.SOURCE_KIND.equals(e.sourceKind()))
        .map(ExecutionView::summary)
        .toList();
  }
}
