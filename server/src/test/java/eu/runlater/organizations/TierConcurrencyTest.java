package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every organization's engine cap follows its tier, whatever the engine's table held before. */
class TierConcurrencyTest extends ServerTest {
  @Autowired TierConcurrency tierConcurrency;
  @Autowired JdbcClient jdbc;

  private Integer cap(UUID organizationId) {
    return jdbc.sql("SELECT max_running FROM organization_caps WHERE organization_id = :id")
        .param("id", organizationId)
        .query(Integer.class)
        .optional()
        .orElse(null);
  }

  @Test
  void start_up_sets_missing_and_stale_caps_from_the_tiers_and_then_has_nothing_to_do() {
    var free = fixtures.tenant(Tier.FREE);
    var pro = fixtures.tenant(Tier.PRO);
    // As on a database from before the server set caps, and after a release changed a tier's.
    jdbc.sql("DELETE FROM organization_caps WHERE organization_id = :id")
        .param("id", free.id())
        .update();
    jdbc.sql("UPDATE organization_caps SET max_running = 1 WHERE organization_id = :id")
        .param("id", pro.id())
        .update();

    assertThat(tierConcurrency.reconcile()).isEqualTo(2);

    assertThat(cap(free.id())).isEqualTo(Tier.FREE.limits().concurrency());
    assertThat(cap(pro.id())).isEqualTo(Tier.PRO.limits().concurrency());
    assertThat(tierConcurrency.reconcile()).isZero();
  }

  @Test
  void a_new_organization_and_a_tier_change_set_the_cap_as_they_go(
      @Autowired Organizations organizations) {
    var tenant = fixtures.tenant(Tier.FREE);
    assertThat(cap(tenant.id())).isEqualTo(Tier.FREE.limits().concurrency());

    organizations.setTier(tenant.id(), Tier.PRO);

    assertThat(cap(tenant.id())).isEqualTo(Tier.PRO.limits().concurrency());
  }
}
