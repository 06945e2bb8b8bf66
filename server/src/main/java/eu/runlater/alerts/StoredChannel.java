package eu.runlater.alerts;

import eu.runlater.engine.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A channel as stored, its secrets opened: for checking changes and rendering messages only. */
record StoredChannel(
    UUID id,
    UUID organizationId,
    String name,
    ChannelKind kind,
    ChannelSettings.Split settings,
    boolean optIn,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt) {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  static StoredChannel read(ResultSet rs, SecretBox box) throws SQLException {
    byte[] sealed = rs.getBytes("sealed_settings");
    Map<String, Object> secrets =
        sealed == null ? Map.of() : JSON.readValue(box.openString(sealed), MAP);
    return new StoredChannel(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        ChannelKind.fromApi(rs.getString("kind")),
        new ChannelSettings.Split(JSON.readValue(rs.getString("settings"), MAP), secrets),
        rs.getBoolean("opt_in"),
        rs.getBoolean("enabled"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  Channel shown() {
    return new Channel(
        id, name, kind, ChannelSettings.masked(settings), optIn, enabled, createdAt, updatedAt);
  }

  static String plainJson(ChannelSettings.Split split) {
    return JSON.writeValueAsString(split.plain());
  }

  static byte[] sealedSecrets(ChannelSettings.Split split, SecretBox box) {
    return split.secrets().isEmpty() ? null : box.seal(JSON.writeValueAsString(split.secrets()));
  }
}
