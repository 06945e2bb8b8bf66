package eu.runlater.organizations;

import static eu.runlater.organizations.OrganizationsQueries.ORGANIZATION_TIERS;

import eu.runlater.platform.engine.EngineTenants;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings the engine's cap on each organization's running deliveries in line with its tier, once at
 * start-up: for organizations from before the engine kept caps, and after a release changes a
 * tier's concurrency. Creating an organization and changing its tier set the cap as they go ({@link
 * Organizations#setConcurrency}); the engine itself knows no tiers.
 *
 * <p>Runs when every bean exists and before any lifecycle starts, so the engine claims under the
 * right caps from its first claim.
 */
@Component
class TierConcurrency implements SmartInitializingSingleton {
  private static final Logger log = LoggerFactory.getLogger(TierConcurrency.class);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final EngineTenants engine;

  TierConcurrency(JdbcClient jdbc, TransactionTemplate tx, EngineTenants engine) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.engine = engine;
  }

  @Override
  public void afterSingletonsInstantiated() {
    int changed = reconcile();
    if (changed > 0) {
      log.info("Set the concurrency cap of {} organizations from their tier", changed);
    }
  }

  /** Sets every organization's cap from its tier; returns how many changed. */
  int reconcile() {
    Integer changed =
        tx.execute(
            status -> {
              Map<UUID, Integer> caps = new HashMap<>();
              jdbc.sql(ORGANIZATION_TIERS)
                  .query(
                      rs -> {
                        caps.put(
                            rs.getObject("id", UUID.class),
                            Tier.of(rs.getString("tier")).limits().concurrency());
                      });
              return engine.setCaps(caps);
            });
    return changed == null ? 0 : changed;
  }
}
