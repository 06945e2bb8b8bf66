package eu.runlater.inbound;

import eu.runlater.executions.LiveSignal;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Received requests on the live feed: a request that is forwarded nowhere (no connection, filtered
 * out, rejected, a duplicate) makes no execution, so the requests list would show it only on a
 * reload. Its row changes this fingerprint, which the feed folds into the organization's, on every
 * node.
 */
@Component
class InboundLiveSignal implements LiveSignal {
  private final JdbcClient jdbc;

  InboundLiveSignal(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The newest request, and how many were received since {@code since} (bounded). */
  @Override
  public String fingerprint(UUID organizationId, Instant since) {
    return jdbc.sql(InboundEventsQueries.EVENT_FINGERPRINT)
        .param("organization_id", organizationId)
        .param("bound", InboundRetention.firstIdOf(since))
        .query((rs, n) -> rs.getString("newest") + "/" + rs.getLong("recent"))
        .single();
  }
}
