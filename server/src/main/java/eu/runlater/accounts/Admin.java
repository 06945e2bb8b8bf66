package eu.runlater.accounts;

import static eu.runlater.accounts.AdminQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What only the instance's superadmin does: list every organization and change its tier (until a
 * payment integration exists, tiers are the operator's to set), and make admin API keys.
 *
 * <p>API keys belong to organizations, not people, so an admin key is an ordinary key of the
 * organization the superadmin had open, flagged {@code admin} when a signed-in superadmin creates
 * it on the API keys page (never through the API). It may call {@code /api/v1/admin/**} only while
 * it is unrevoked and its creator is still a superadmin: the flag borrows the creator's standing,
 * checked on every request, so demoting or deleting the creator disarms their keys at once.
 */
@Service
public class Admin {
  private static final Logger log = LoggerFactory.getLogger(Admin.class);
  private static final UUID BEFORE_ALL = new UUID(0, 0);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Organizations organizations;
  private final ApiKeys keys;

  Admin(JdbcClient jdbc, TransactionTemplate tx, Organizations organizations, ApiKeys keys) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.organizations = organizations;
    this.keys = keys;
  }

  /**
   * Organizations in creation order, after {@code after} (null: from the first), whose name or slug
   * contains {@code query} (blank: all); up to {@code limit} + 1 rows, for {@code Page.of}.
   */
  public List<AdminOrganization> organizations(String query, UUID after, int limit) {
    String q = query == null ? "" : query.strip();
    String pattern = q.isEmpty() ? "" : "%" + q.replaceAll("([\\\\%_])", "\\\\$1") + "%";
    return jdbc.sql(ADMIN_ORGANIZATIONS)
        .param("after", after == null ? BEFORE_ALL : after)
        .param("pattern", pattern)
        .param("limit", limit + 1)
        .query(Admin::map)
        .list();
  }

  public AdminOrganization organization(UUID id) {
    return jdbc.sql(ADMIN_ORGANIZATION)
        .param("id", id)
        .query(Admin::map)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("organization", id));
  }

  /** Sets the tier (and with it the engine's cap), recording who did it in the log. */
  public AdminOrganization setTier(UUID organizationId, Tier tier, String by) {
    Tier before = organization(organizationId).tier();
    organizations.setTier(organizationId, tier);
    log.info(
        "Tier of organization {} changed from {} to {} by {}",
        organizationId,
        before.code(),
        tier.code(),
        by);
    return organization(organizationId);
  }

  /**
   * An admin key of {@code organizationId}; the caller checked that {@code by} is superadmin. Its
   * scope applies to the admin API as to any other (a read-only admin key only lists).
   */
  public ApiKeys.CreatedApiKey createAdminKey(
      UUID organizationId, String name, UUID by, ApiScope scope) {
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

  /** What a form or request should say about a tier code, or null when it names a tier. */
  public static String tierProblem(String code) {
    if (code == null || code.isBlank()) {
      return "is required: free or pro";
    }
    try {
      Tier.of(code.strip());
      return null;
    } catch (IllegalArgumentException e) {
      return "must be free or pro";
    }
  }

  private static AdminOrganization map(ResultSet rs, int row) throws SQLException {
    return new AdminOrganization(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("slug"),
        Tier.of(rs.getString("tier")),
        rs.getLong("members"),
        SqlTime.instant(rs, "created_at"));
  }
}
