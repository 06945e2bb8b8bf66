package eu.runlater.alerts;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The history's view of alert deliveries: an execution of source kind {@code alert} belongs to a
 * notification, whose page it links to. An alert is not sent again from the history: it told of a
 * moment that has passed, and the channel's Send test checks a channel now.
 */
@Component
class NotificationExecutionSource implements ExecutionSource {
  private final NotificationLog log;

  NotificationExecutionSource(NotificationLog log) {
    this.log = log;
  }

  @Override
  public String kind() {
    return ChannelSender.SOURCE_KIND;
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return log.find(organizationId, sourceId)
        .map(
            n ->
                new Owner(
                    n.id(),
                    "Alert to " + n.channelName() + " (" + n.channelKind() + ")",
                    "/notifications/" + n.id(),
                    "UTC",
                    List.of(
                        new Crumb("Notifications", "/notifications"),
                        new Crumb(
                            n.channelName() + " (" + n.channelKind() + ")",
                            "/notifications/" + n.id())),
                    new Crumb("Notification", "/notifications/" + n.id())));
  }

  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request request) {
    throw ApiProblem.conflict(
        "alert-not-resent",
        "An alert is not sent again from the history: it told of a moment that has passed. Use"
            + " Send test on the channel (POST /api/v1/alert-channels/{id}/test) to check it.");
  }
}
