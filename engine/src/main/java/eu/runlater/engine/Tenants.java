package eu.runlater.engine;

import static eu.runlater.engine.TaskQueries.*;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.db.Db.SqlArray;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the engine keeps per organization (tenant), set by the server in its own transactions: the
 * cap on the organization's running deliveries, and, when the organization goes, its tasks and
 * history.
 *
 * <p>The engine knows organizations only by id: which tier or plan an organization has, and what
 * cap follows from it, is the server's. An organization without a cap gets {@link
 * EngineConfig#defaultOrganizationCap()}.
 */
public final class Tenants {

  /** Needs no engine: the server writes caps before, and while, engines run. */
  public Tenants() {}

  /**
   * Sets one organization's cap on deliveries running at once, cluster-wide, in the caller's
   * transaction on {@code connection}; the next claim on any node honours it.
   */
  public void setCap(Connection connection, UUID organizationId, int maxRunning)
      throws SQLException {
    setCaps(connection, Map.of(organizationId, maxRunning));
  }

  /**
   * Sets the caps of many organizations in one statement (the server reconciles every
   * organization's cap with its plan at start-up); returns how many changed. Organizations not
   * listed keep theirs.
   */
  public int setCaps(Connection connection, Map<UUID, Integer> maxRunning) throws SQLException {
    if (maxRunning.isEmpty()) {
      return 0;
    }
    List<UUID> ids = new ArrayList<>(maxRunning.size());
    List<Integer> caps = new ArrayList<>(maxRunning.size());
    maxRunning.forEach(
        (id, cap) -> {
          if (cap < 1) {
            throw new IllegalArgumentException(
                "the cap of organization " + id + " must be at least 1, got " + cap);
          }
          ids.add(id);
          caps.add(cap);
        });
    return Db.update(
        connection,
        ORGANIZATION_CAPS_UPSERT,
        Params.of("organization_ids", SqlArray.of("uuid", ids))
            .put("max_running", SqlArray.of("integer", caps)));
  }

  /**
   * Forgets an organization, in the caller's transaction: its tasks, its execution history and its
   * cap. A delivery running at that moment finishes, and its completion finds no task row, as if
   * its lease had been lost.
   */
  public void forget(Connection connection, UUID organizationId) throws SQLException {
    Params id = Params.of("organization_id", organizationId);
    Db.update(connection, ORGANIZATION_TASKS_DELETE, id);
    Db.update(connection, ORGANIZATION_EXECUTIONS_DELETE, id);
    Db.update(connection, ORGANIZATION_CAP_DELETE, id);
  }
}
