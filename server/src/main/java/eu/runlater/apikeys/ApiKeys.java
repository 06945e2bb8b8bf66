package eu.runlater.apikeys;

import static eu.runlater.apikeys.ApiKeysQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.platform.database.NodeCopies;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiKeyVerifier;
import eu.runlater.platform.security.ApiPrincipal;
import eu.runlater.platform.security.ApiScope;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Service;

/**
 * API keys: {@code pk_live_<id>.sk_live_<secret>}. The secret carries 256 random bits and only its
 * SHA-256 is stored; a presented key is looked up by its public half and its hash compared in
 * constant time.
 *
 * <p>Every node keeps the key rows it verified (with the tier of the key's organization, which the
 * principal carries), trusted while the {@link ChangeFeed} says no key or tier changed since each
 * was read: a revocation takes effect on the next request on the node that made it, and on the
 * others once the trigger's notice reaches them, milliseconds after the commit. While the feed is
 * not listening every request reads the row, as every request used to.
 */
@Service
public class ApiKeys implements ApiKeyVerifier {
  static final String PUBLIC_PREFIX = "pk_live_";
  static final String SECRET_PREFIX = "sk_live_";
  static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
  private static final Pattern FORMAT =
      Pattern.compile("pk_live_([a-z2-7]{16})\\.sk_live_([A-Za-z0-9_-]{43})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  /** More keys than this in one node's cache and it starts over (keys are few; this is a bound). */
  static final int CACHE_LIMIT = 10_000;

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final ChangeFeed changes;
  private final NodeCopies<String, KeyRow> copies;

  ApiKeys(JdbcClient jdbc, InstantSource clock, ChangeFeed changes) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.changes = changes;
    this.copies = new NodeCopies<>(changes, ChangeFeed.CREDENTIALS, CACHE_LIMIT);
  }

  /** A key just created: {@link #token()} is shown once and never again. */
  public record CreatedApiKey(ApiKey key, String token) {}

  /** A key with the {@code full} scope. */
  public CreatedApiKey create(UUID organizationId, String name, UUID createdBy) {
    return create(organizationId, name, createdBy, ApiScope.FULL);
  }

  public CreatedApiKey create(UUID organizationId, String name, UUID createdBy, ApiScope scope) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    String publicId = randomBase32(16);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    jdbc.sql(API_KEY_INSERT)
        .param("id", id)
        .param("organization_id", organizationId)
        .param("public_id", publicId)
        .param("secret_hash", Sha256.of(secretText))
        .param("name", name)
        .param("created_by", createdBy)
        .param("now", SqlTime.ts(now))
        .param("scope", scope.code())
        .update();
    String token = PUBLIC_PREFIX + publicId + "." + SECRET_PREFIX + secretText;
    return new CreatedApiKey(get(organizationId, id), token);
  }

  public List<ApiKey> list(UUID organizationId) {
    return jdbc.sql(API_KEY_LIST)
        .param("organization_id", organizationId)
        .query(ApiKeys::map)
        .list();
  }

  public ApiKey get(UUID organizationId, UUID id) {
    return jdbc.sql(API_KEY_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(ApiKeys::map)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("API key", id));
  }

  /** Revokes a key; effective on the next request. Revoking twice is harmless. */
  public ApiKey revoke(UUID organizationId, UUID id) {
    ApiKey key = get(organizationId, id);
    jdbc.sql(API_KEY_REVOKE)
        .param("organization_id", organizationId)
        .param("id", id)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    changes.changed(ChangeFeed.CREDENTIALS);
    return get(organizationId, id);
  }

  @Override
  public ApiPrincipal verify(String token) {
    Matcher m = FORMAT.matcher(token);
    if (!m.matches()) {
      throw new BadCredentialsException(
          "The API key is malformed: it should look like pk_live_<16 characters>.sk_live_<43"
              + " characters>. Check that you copied it whole.");
    }
    byte[] presented = Sha256.of(m.group(2));
    Optional<KeyRow> row = row(m.group(1));
    // Compare against a dummy hash for unknown ids so both paths cost the same.
    byte[] stored = row.map(KeyRow::secretHash).orElse(new byte[presented.length]);
    if (!MessageDigest.isEqual(presented, stored) || row.isEmpty()) {
      throw new BadCredentialsException(
          "The API key is not valid. Check that you copied it whole, or create a new one.");
    }
    KeyRow key = row.get();
    if (key.revokedAt() != null) {
      throw new BadCredentialsException(
          "This API key was revoked at "
              + DateTimeFormatter.ISO_INSTANT.format(key.revokedAt())
              + ". Use another key, or create a new one.");
    }
    touch(key);
    return new ApiPrincipal(
        key.organizationId(), key.id(), PUBLIC_PREFIX + key.publicId(), key.scope(), key.tier());
  }

  /** The key row by its public id: this node's copy while it is good, else read (and kept). */
  private Optional<KeyRow> row(String publicId) {
    return Optional.ofNullable(
        copies.get(
            publicId,
            () ->
                jdbc.sql(API_KEY_BY_PUBLIC_ID)
                    .param("public_id", publicId)
                    .query(
                        (rs, n) ->
                            new KeyRow(
                                rs.getObject("id", UUID.class),
                                rs.getObject("organization_id", UUID.class),
                                rs.getString("public_id"),
                                rs.getBytes("secret_hash"),
                                instant(rs, "last_used_at"),
                                instant(rs, "revoked_at"),
                                ApiScope.of(rs.getString("scope")),
                                rs.getString("tier")))
                    .optional()
                    .orElse(null)));
  }

  /**
   * Records use at most once a minute: the row just read says when it was last written, and the
   * UPDATE's own condition settles concurrent requests (and nodes) racing past that check.
   */
  private void touch(KeyRow key) {
    Instant now = clock.instant();
    if (key.lastUsedAt() != null && key.lastUsedAt().plus(TOUCH_INTERVAL).isAfter(now)) {
      return;
    }
    jdbc.sql(API_KEY_TOUCH).param("id", key.id()).param("now", SqlTime.ts(now)).update();
    // This node's copy knows of the use, so that it asks again in a minute, not on every request.
    copies.wrote(key.publicId(), row -> row.usedAt(now));
  }

  private record KeyRow(
      UUID id,
      UUID organizationId,
      String publicId,
      byte[] secretHash,
      Instant lastUsedAt,
      Instant revokedAt,
      ApiScope scope,
      String tier) {
    KeyRow usedAt(Instant at) {
      return new KeyRow(id, organizationId, publicId, secretHash, at, revokedAt, scope, tier);
    }
  }

  private static String randomBase32(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(BASE32.charAt(RANDOM.nextInt(32)));
    }
    return sb.toString();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return SqlTime.instant(rs, column);
  }

  private static ApiKey map(ResultSet rs, int row) throws SQLException {
    return new ApiKey(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        PUBLIC_PREFIX + rs.getString("public_id"),
        rs.getObject("created_by", UUID.class),
        instant(rs, "created_at"),
        instant(rs, "last_used_at"),
        instant(rs, "revoked_at"),
        ApiScope.of(rs.getString("scope")));
  }
}
