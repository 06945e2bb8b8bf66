package eu.runlater.apikeys;

import static eu.runlater.apikeys.ApiKeysQueries.*;

import eu.runlater.platform.security.ApiScope;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Admin API keys. API keys belong to organizations, not people, so an admin key is an ordinary key
 * of the organization the superadmin had open, flagged {@code admin} when a signed-in superadmin
 * creates it on the API keys page (never through the API). It may call {@code /api/v1/admin/**}
 * only while it is unrevoked and its creator is still a superadmin: the flag borrows the creator's
 * standing, checked on every request, so demoting or deleting the creator disarms their keys at
 * once.
 */
@Service
public class AdminKeys {
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final ApiKeys keys;

  AdminKeys(JdbcClient jdbc, TransactionTemplate tx, ApiKeys keys) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.keys = keys;
  }

  /**
   * An admin key of {@code organizationId}; the caller checked that {@code by} is superadmin. Its
   * scope applies to the admin API as to any other (a read-only admin key only lists).
   */
  public ApiKeys.CreatedApiKey create(UUID organizationId, String name, UUID by, ApiScope scope) {
    return tx.execute(
        status -> {
          ApiKeys.CreatedApiKey created = keys.create(organizationId, name, by, scope);
          jdbc.sql(API_KEY_MAKE_ADMIN).param("id", created.key().id()).update();
          return created;
        });
  }

  /** Whether the API key {@code apiKeyId} may call the admin API now. */
  public boolean admits(UUID apiKeyId) {
    return jdbc.sql(API_KEY_ADMITS).param("id", apiKeyId).query(Boolean.class).single();
  }

  /** The organization's admin keys, for the API keys page's badge. */
  public Set<UUID> adminKeyIds(UUID organizationId) {
    return new HashSet<>(
        jdbc.sql(API_KEY_ADMIN_IDS)
            .param("organization_id", organizationId)
            .query(UUID.class)
            .list());
  }
}
