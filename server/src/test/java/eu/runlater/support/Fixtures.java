package eu.runlater.support;

import eu.runlater.accounts.ApiKeys;
import eu.runlater.accounts.Organization;
import eu.runlater.accounts.Organizations;
import eu.runlater.accounts.Tier;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Builds organizations and keys with sensible defaults. */
@Component
public class Fixtures {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private final Organizations organizations;
  private final ApiKeys keys;

  Fixtures(Organizations organizations, ApiKeys keys) {
    this.organizations = organizations;
    this.keys = keys;
  }

  /** An organization with one API key. */
  public record Tenant(Organization organization, UUID keyId, String key) {
    public UUID id() {
      return organization.id();
    }
  }

  public Tenant tenant() {
    return tenant(Tier.PRO);
  }

  public Tenant tenant(Tier tier) {
    int n = SEQUENCE.incrementAndGet();
    Organization org = organizations.create("Org " + n, "org-" + n + "-" + UUID.randomUUID(), tier);
    ApiKeys.CreatedApiKey key = keys.create(org.id(), "test key", null);
    return new Tenant(org, key.key().id(), key.token());
  }
}
