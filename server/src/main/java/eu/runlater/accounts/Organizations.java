package eu.runlater.accounts;

import static eu.runlater.accounts.AccountsQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.engine.db.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Organizations and their signing secrets. */
@Service
public class Organizations {
  public static final String SIGNING_SECRET_PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final SecretBox secrets;
  private final InstantSource clock;

  Organizations(JdbcClient jdbc, SecretBox secrets, InstantSource clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** Creates an organization with a fresh {@code whsec_} signing secret. */
  public Organization create(String name, String slug, Tier tier) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    jdbc.sql(ORGANIZATION_INSERT)
        .param("id", id)
        .param("name", name)
        .param("slug", slug)
        .param("tier", tier.code())
        .param("signing_secret", secrets.seal(newSigningSecret()))
        .param("now", SqlTime.ts(now))
        .update();
    setConcurrency(id, tier);
    return get(id);
  }

  /**
   * Keeps the engine's cap on the organization's running deliveries equal to its tier's
   * concurrency; call wherever the tier is set or changed (a migration backfilled existing rows).
   */
  void setConcurrency(UUID id, Tier tier) {
    jdbc.sql(ORGANIZATION_CAP_UPSERT)
        .param("id", id)
        .param("max_running", tier.limits().concurrency())
        .update();
  }

  public Organization get(UUID id) {
    return find(id).orElseThrow(() -> ApiProblem.notFound("organization", id));
  }

  public Optional<Organization> find(UUID id) {
    return jdbc.sql(ORGANIZATION_GET).param("id", id).query(Organizations::map).optional();
  }

  public Optional<Organization> findBySlug(String slug) {
    return jdbc.sql(ORGANIZATION_BY_SLUG).param("slug", slug).query(Organizations::map).optional();
  }

  public Organization rename(UUID id, String name) {
    jdbc.sql(ORGANIZATION_RENAME)
        .param("id", id)
        .param("name", name)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return get(id);
  }

  /**
   * The secrets deliveries are signed with: the current one, then the previous one while a
   * rotation's overlap lasts.
   */
  public List<String> signingSecrets(UUID organizationId) {
    Instant now = clock.instant();
    return jdbc.sql(ORGANIZATION_SIGNING_SECRETS)
        .param("id", organizationId)
        .query(
            (rs, n) -> {
              List<String> result = new ArrayList<>(2);
              result.add(secrets.openString(rs.getBytes("signing_secret")));
              byte[] previous = rs.getBytes("previous_signing_secret");
              Instant expires = SqlTime.instant(rs, "previous_secret_expires_at");
              if (previous != null && expires != null && expires.isAfter(now)) {
                result.add(secrets.openString(previous));
              }
              return result;
            })
        .optional()
        .orElse(List.of());
  }

  static String newSigningSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return SIGNING_SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  private static Organization map(ResultSet rs, int row) throws SQLException {
    return new Organization(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("slug"),
        Tier.of(rs.getString("tier")),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }
}
