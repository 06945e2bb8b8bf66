package eu.runlater.hosts;

import eu.runlater.engine.Engine;
import eu.runlater.engine.Hosts;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * "Probe now" and "Release" for the API and the pages alike, through the engine's {@link Hosts}:
 * the server never writes the engine's tables itself.
 */
@Component
class HostActions {
  enum Action {
    PROBE,
    RELEASE
  }

  private final Engine engine;

  HostActions(Engine engine) {
    this.engine = engine;
  }

  /** Acts on one of the organization's targets ({@code https://api.example.com:443}). */
  Hosts.Outcome act(UUID organizationId, String target, Action action) {
    try {
      return switch (action) {
        case PROBE -> engine.hosts().probeNow(organizationId, target);
        case RELEASE -> engine.hosts().release(organizationId, target);
      };
    } catch (SQLException e) {
      throw new DataAccessResourceFailureException("could not act on " + target, e);
    }
  }
}
