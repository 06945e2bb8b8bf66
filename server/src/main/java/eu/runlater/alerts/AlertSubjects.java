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
   * @param name as people know it
   * @param path its dashboard page, from the root ({@code /jobs/<id>})
   * @param pausePath where a signed-in person pauses it (a page with a button), or null
   */
  record Subject(String name, String path, String pausePath) {}
}
