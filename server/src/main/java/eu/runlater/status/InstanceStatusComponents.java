package eu.runlater.status;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The instance's own components on {@code /status}. They are no rows of {@code status_components}
 * (those belong to organizations' pages): each has a fixed id, the {@code subject_id} of its
 * automatic incidents ({@code subject_kind} {@code instance}).
 */
final class InstanceStatusComponents {
  private InstanceStatusComponents() {}

  static final String SUBJECT_KIND = "instance";

  record Definition(String key, String name, String description) {
    UUID id() {
      return UUID.nameUUIDFromBytes(("runlater-instance:" + key).getBytes(StandardCharsets.UTF_8));
    }
  }

  static final Definition API =
      new Definition("api", "API", "The REST API and the dashboard answer.");
  static final Definition SCHEDULER =
      new Definition("scheduler", "Scheduler", "Due tasks start on time.");
  static final Definition DELIVERY =
      new Definition("delivery", "Delivery", "Requests reach their targets.");
  static final Definition DATABASE =
      new Definition("database", "Database", "The database answers quickly.");

  static final List<Definition> ALL = List.of(API, SCHEDULER, DELIVERY, DATABASE);

  static Optional<Definition> of(String key) {
    return ALL.stream().filter(d -> d.key().equals(key)).findFirst();
  }
}
