package eu.runlater.organizations;

import static eu.runlater.organizations.AdminQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What only the instance's superadmin does with organizations: list every one and change its tier
 * (until a payment integration exists, tiers are the operator's to set). Admin API keys are {@link
 * eu.runlater.apikeys.AdminKeys}.
 */
@Service
class Admin {
  private static final Logger log = LoggerFactory.getLogger(Admin.class);
  private static final UUID BEFORE_ALL = new UUID(0, 0);

  private final JdbcClient jdbc;
  private final Organizations organizations;

  Admin(JdbcClient jdbc, Organizations organizations) {
    this.jdbc = jdbc;
    this.organizations = organizations;
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
