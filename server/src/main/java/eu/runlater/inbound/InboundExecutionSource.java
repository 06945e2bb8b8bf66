package eu.runlater.inbound;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The history's view of forwards: an execution of source kind {@code inbound} belongs to a forward
 * (its source id), and its page links to the received request the forward carries. A forward is not
 * sent again from the history: Replay on the request forwards it again as a new forward, with the
 * connection's current settings and its own history beside the old one.
 */
@Component
class InboundExecutionSource implements ExecutionSource {
  private final JdbcClient jdbc;

  InboundExecutionSource(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String kind() {
    return Forwards.SOURCE_KIND;
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return jdbc.sql(ConnectionsQueries.FORWARD_OWNER)
        .param("organization_id", organizationId)
        .param("id", sourceId)
        .query(
            (rs, n) -> {
              UUID event = rs.getObject("event_id", UUID.class);
              return new Owner(
                  event,
                  "Inbound: "
                      + rs.getString("source_name")
                      + " → "
                      + rs.getString("connection_name"),
                  "/inbound/events/" + event,
                  "UTC",
                  List.of(
                      new Crumb("Inbound", "/inbound"),
                      new Crumb(
                          rs.getString("source_name"),
                          "/inbound/sources/" + rs.getObject("source_id", UUID.class)),
                      new Crumb(
                          "event → " + rs.getString("connection_name"),
                          "/inbound/events/" + event)),
                  new Crumb("Inbound event", "/inbound/events/" + event));
            })
        .optional();
  }

  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request request) {
    throw ApiProblem.conflict(
        "forward-not-resent",
        "A forward is not sent again from the history: replay its request (POST"
            + " /api/v1/inbound-events/{id}/replay, or Replay on the request's page), which"
            + " forwards it again as a new forward.");
  }
}
