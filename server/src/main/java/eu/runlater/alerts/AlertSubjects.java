package eu.runlater.alerts;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Names the subjects of one kind for alert messages and pages: the module that owns jobs (queues,
 * monitors) implements it as a bean, so alerts can say "nightly-report" and link to its page
 * without depending on that module.
 */
public interface AlertSubjects {

  /** {@code job}, {@code queue} or {@code monitor}. */
  String kind();

  /** The subjects of {@code organizationId} among {@code ids} that still exist. */
  Map<UUID, Subject> describe(UUID organizationId, Collection<UUID> ids);

  /**
   * The subject a person or the API names: its id, or what else identifies it in its own API (a
   * queue's name). Empty when there is none in the organization.
   */
  default java.util.Optional<UUID> resolve(UUID organizationId, String reference) {
    try {
      UUID id = UUID.fromString(reference);
      return describe(organizationId, java.util.List.of(id)).containsKey(id)
          ? java.util.Optional.of(id)
          : java.util.Optional.empty();
    } catch (IllegalArgumentException notAnId) {
      return java.util.Optional.empty();
    }
  }

  /**
   * @param name as people know it
   * @param path its dashboard page, from the root ({@code /jobs/<id>})
   * @param pausePath where a signed-in person pauses it (a page with a button), or null
   */
  record Subject(String name, String path, String pausePath) {}
}
