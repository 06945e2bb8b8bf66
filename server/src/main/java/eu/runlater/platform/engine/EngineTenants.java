package eu.runlater.platform.engine;

import eu.runlater.engine.Tenants;
import eu.runlater.platform.database.TransactionalConnection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What the engine keeps per organization ({@link Tenants}), written inside the caller's Spring
 * transaction: a cap changes with the tier that sets it, and an organization's tasks and history go
 * with it, or neither does.
 */
@Component
public class EngineTenants {
  private final Tenants tenants;
  private final TransactionalConnection connection;

  EngineTenants(Tenants tenants, TransactionalConnection connection) {
    this.tenants = tenants;
    this.connection = connection;
  }

  /** Sets the most deliveries of the organization running at once, on every node. */
  public void setCap(UUID organizationId, int maxRunning) {
    try {
      tenants.setCap(connection.current(), organizationId, maxRunning);
    } catch (SQLException e) {
      throw new IllegalStateException("could not set the cap of " + organizationId, e);
    }
  }

  /** Sets many organizations' caps at once; returns how many changed. */
  public int setCaps(Map<UUID, Integer> maxRunning) {
    try {
      return tenants.setCaps(connection.current(), maxRunning);
    } catch (SQLException e) {
      throw new IllegalStateException("could not set " + maxRunning.size() + " caps", e);
    }
  }

  /** Removes the organization's tasks, execution history and cap. */
  public void forget(UUID organizationId) {
    try {
      tenants.forget(connection.current(), organizationId);
    } catch (SQLException e) {
      throw new IllegalStateException("could not remove the tasks of " + organizationId, e);
    }
  }
}
