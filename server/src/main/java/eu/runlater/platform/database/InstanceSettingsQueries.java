package eu.runlater.platform.database;

/** SQL for {@code instance_settings}: one value per key, shared by every node of the instance. */
final class InstanceSettingsQueries {
  private InstanceSettingsQueries() {}

  static final String INSTANCE_SETTING_GET = "SELECT value FROM instance_settings WHERE key = :key";

  // The first node to start wins; the others read the value it wrote.
  static final String INSTANCE_SETTING_INSERT_ABSENT =
      """
      INSERT INTO instance_settings (key, value) VALUES (:key, :value)
      ON CONFLICT (key) DO NOTHING
      """;

  static final String INSTANCE_SETTING_SET =
      "UPDATE instance_settings SET value = :value WHERE key = :key";
}
