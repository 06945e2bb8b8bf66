package eu.runlater.inbound;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.platform.errors.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sources: create, read, change, rotate the hosted URL, delete. The secret (signing secret,
 * password, API key) is sealed with the instance's {@link SecretBox} and never shown again; the
 * settings that are no secret are kept in the clear.
 */
@Service
class Sources {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final JsonMapper json;
  private final InstantSource clock;
  private final SourceCache cache = new SourceCache(System::nanoTime);

  Sources(JdbcClient jdbc, SecretBox box, JsonMapper json, InstantSource clock) {
    this.jdbc = jdbc;
    this.box = box;
    this.json = json;
    this.clock = clock;
  }

  /** A new hosted URL token: 192 random bits, URL-safe (32 characters). */
  static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Transactional
  Source create(UUID organizationId, SourceRules.Draft draft) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    bind(jdbc.sql(SourcesQueries.SOURCE_INSERT), draft)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("token", newToken())
        .param("now", java.sql.Timestamp.from(now))
        .update();
    return get(organizationId, id);
  }

  @Transactional
  Source update(UUID organizationId, UUID id, SourceRules.Draft draft) {
    int changed =
        bind(jdbc.sql(SourcesQueries.SOURCE_UPDATE), draft)
            .param("id", id)
            .param("organization_id", organizationId)
            .param("now", java.sql.Timestamp.from(clock.instant()))
            .update();
    if (changed == 0) {
      throw ApiProblem.notFound("source", id);
    }
    cache.forget(id);
    return get(organizationId, id);
  }

  /** Gives the source a new hosted URL; the old one answers 404 from now on. */
  @Transactional
  Source rotate(UUID organizationId, UUID id) {
    int changed =
        jdbc.sql(SourcesQueries.SOURCE_ROTATE_TOKEN)
            .param("token", newToken())
            .param("now", java.sql.Timestamp.from(clock.instant()))
            .param("organization_id", organizationId)
            .param("id", id)
            .update();
    if (changed == 0) {
      throw ApiProblem.notFound("source", id);
    }
    cache.forget(id);
    return get(organizationId, id);
  }

  /** Deletes the source with every request it received. */
  void delete(UUID organizationId, UUID id) {
    int deleted =
        jdbc.sql(SourcesQueries.SOURCE_DELETE)
            .param("organization_id", organizationId)
            .param("id", id)
            .update();
    if (deleted == 0) {
      throw ApiProblem.notFound("source", id);
    }
    cache.forget(id);
  }

  Source get(UUID organizationId, UUID id) {
    return jdbc.sql(SourcesQueries.SOURCE_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(this::row)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("source", id));
  }

  boolean exists(UUID organizationId, UUID id) {
    return jdbc.sql(SourcesQueries.SOURCE_EXISTS)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(Boolean.class)
        .single();
  }

  /**
   * The source of a hosted URL's token, from {@link SourceCache} (up to {@link
   * SourceCache#LIFETIME} old): what it verifies is stored only if the source did not change since
   * ({@link InboundEvents}).
   */
  Optional<Source> byToken(String token) {
    return cache.get(token, this::read);
  }

  /** The source of a hosted URL's token as it is now (and cached so). */
  Optional<Source> byTokenFresh(String token) {
    return cache.fresh(token, this::read);
  }

  private Optional<Source> read(String token) {
    return jdbc.sql(SourcesQueries.SOURCE_BY_TOKEN)
        .param("token", token)
        .query(this::row)
        .optional();
  }

  List<Source> list(UUID organizationId, UUID cursor, int limit) {
    return jdbc.sql(SourcesQueries.SOURCE_LIST)
        .param("organization_id", organizationId)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(this::row)
        .list();
  }

  private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, SourceRules.Draft d) {
    VerificationSpec v = d.verification();
    Map<String, Object> settings = new LinkedHashMap<>();
    if (v.type() != VerificationSpec.Type.NONE) {
      putIfSet(settings, "header", v.header());
      putIfSet(settings, "algorithm", v.algorithm() == null ? null : v.algorithm().code());
      putIfSet(settings, "encoding", v.encoding());
      putIfSet(settings, "prefix", v.prefix());
      putIfSet(settings, "username", v.username());
      settings.put("tolerance_seconds", v.toleranceSeconds());
    }
    return sql.param("name", d.name())
        .param("verification_type", v.type().code)
        .param("verification", json.writeValueAsString(settings))
        .param("sealed_secret", v.secret() == null ? null : box.seal(v.secret()))
        .param("dedup_header", d.dedupHeader())
        .param("dedup_json_path", d.dedupJsonPath())
        .param("response_status", d.responseStatus())
        .param("response_body", d.responseBody())
        .param("response_type", d.responseType())
        .param("rate_requests", d.rateRequests())
        .param("rate_window_s", d.rateWindowSeconds());
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private Source row(ResultSet rs, int n) throws SQLException {
    VerificationSpec.Type type = VerificationSpec.Type.of(rs.getString("verification_type"));
    JsonNode settings = json.readTree(rs.getString("verification"));
    byte[] sealed = rs.getBytes("sealed_secret");
    String secret = sealed == null ? null : new String(box.open(sealed), StandardCharsets.UTF_8);
    String algorithm = text(settings, "algorithm");
    VerificationSpec spec =
        type == VerificationSpec.Type.NONE
            ? VerificationSpec.NONE
            : new VerificationSpec(
                type,
                secret,
                text(settings, "header"),
                algorithm == null
                    ? null
                    : VerificationSpec.Algorithm.valueOf(
                        algorithm.toUpperCase(java.util.Locale.ROOT)),
                text(settings, "encoding"),
                text(settings, "prefix"),
                text(settings, "username"),
                settings.has("tolerance_seconds")
                    ? settings.get("tolerance_seconds").asInt()
                    : VerificationSpec.DEFAULT_TOLERANCE);
    return new Source(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("name"),
        rs.getString("token"),
        spec,
        rs.getString("dedup_header"),
        rs.getString("dedup_json_path"),
        (Integer) rs.getObject("response_status"),
        rs.getString("response_body"),
        rs.getString("response_type"),
        rs.getInt("rate_requests"),
        rs.getInt("rate_window_s"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getLong("version"),
        rs.getString("tier"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }
}
