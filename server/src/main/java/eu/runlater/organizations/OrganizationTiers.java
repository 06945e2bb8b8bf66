package eu.runlater.organizations;

import static eu.runlater.organizations.OrganizationsQueries.ORGANIZATION_TIER;
import static eu.runlater.organizations.OrganizationsQueries.USER_BEST_TIER;

import eu.runlater.platform.ratelimit.RateLimitTiers;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Answers the rate limiter's question: whose quota is a caller's. */
@Component
class OrganizationTiers implements RateLimitTiers {
  private final JdbcClient jdbc;

  OrganizationTiers(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<String> ofOrganization(UUID organizationId) {
    return jdbc.sql(ORGANIZATION_TIER).param("id", organizationId).query(String.class).optional();
  }

  @Override
  public Optional<String> ofUser(String email) {
    return jdbc.sql(USER_BEST_TIER).param("email", email).query(String.class).optional();
  }
}
