package eu.runlater.executions;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A producer of work as the history sees it: jobs, workflows, inbound forwards, monitors' checks,
 * alert notifications. The producer implements it as a bean. The history sits below the producers
 * and depends on none of them, so it asks this, by {@code source_kind}, for an execution's owner
 * and to send a recorded request again.
 */
public interface ExecutionSource {
  /** The {@code source_kind} of the executions this producer owns. */
  String kind();

  /** The owner of an execution, for its page; empty when it was deleted. */
  Optional<Owner> owner(UUID organizationId, UUID sourceId);

  /**
   * The owner of one execution, by its task too: a producer whose sources have parts (a workflow
   * run's steps) names the part; by default, the source's owner.
   */
  default Optional<Owner> owner(UUID organizationId, UUID sourceId, UUID taskId) {
    return owner(organizationId, sourceId);
  }

  /**
   * Sends a recorded request again, now, as a new run of its source; returns the new task's id.
   * Throws a 409 problem when the source is gone.
   */
  UUID resend(UUID organizationId, UUID sourceId, Execution.Request request);

  /**
   * @param link the owner's page
   * @param zone the time zone its times show in
   * @param trail the execution page's breadcrumb: from the producer's section to the owner ({@code
   *     Workflows / <workflow> / run …}), each crumb linked
   * @param button the execution page's button to the owner's page, named for what that page shows
   *     ({@code Job history}, {@code Run waterfall}, …)
   */
  record Owner(UUID id, String name, String link, String zone, List<Crumb> trail, Crumb button) {
    public Owner {
      trail = List.copyOf(trail);
    }
  }

  /** One step of a breadcrumb: what it is called and its page (null: shown unlinked). */
  record Crumb(String label, String link) {}
}
