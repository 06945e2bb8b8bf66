package eu.runlater.platform.database;

import static eu.runlater.platform.database.InstanceSettingsQueries.*;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Instance-wide settings in the database ({@code instance_settings}), so that every node of a
 * cluster sees the same value: the key-derivation salt, the key check, the setup link's hash.
 */
public final class InstanceSettings {
  private final JdbcClient jdbc;

  public InstanceSettings(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<String> get(String key) {
    return jdbc.sql(INSTANCE_SETTING_GET).param("key", key).query(String.class).optional();
  }

  /**
   * Stores {@code value} unless the key has one; returns whether this call stored it (of several
   * nodes claiming one key at once, exactly one does).
   */
  public boolean claim(String key, String value) {
    return jdbc.sql(INSTANCE_SETTING_INSERT_ABSENT).param("key", key).param("value", value).update()
        == 1;
  }

  /** Stores {@code value} unless the key has one; returns the value that holds afterwards. */
  public String putIfAbsent(String key, String value) {
    claim(key, value);
    return get(key).orElseThrow();
  }

  /** Replaces the value of a key that has one; returns whether it had. */
  public boolean set(String key, String value) {
    return jdbc.sql(INSTANCE_SETTING_SET).param("key", key).param("value", value).update() == 1;
  }
}
