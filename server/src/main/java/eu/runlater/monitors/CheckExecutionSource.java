package eu.runlater.monitors;

import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The history's view of uptime checks: an execution of source kind {@code monitor} is a "Check of
 * <monitor>", linked to the monitor's page. A check is not sent again from the history: it told of
 * a moment that has passed, and the next check comes at the monitor's interval.
 */
@Component
class CheckExecutionSource implements ExecutionSource {
  private final JdbcClient jdbc;

  CheckExecutionSource(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public String kind() {
    return UptimeChecks.SOURCE_KIND;
  }

  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return jdbc.sql(CheckQueries.MONITOR_NAME)
        .param("org", organizationId)
        .param("id", sourceId)
        .query(
            (rs, n) ->
                new Owner(
                    sourceId,
                    "Check of " + rs.getString("name"),
                    "/monitors/" + sourceId,
                    "UTC",
                    List.of(
                        new Crumb("Monitors", "/monitors"),
                        new Crumb(rs.getString("name"), "/monitors/" + sourceId)),
                    new Crumb("Check history", "/monitors/" + sourceId + "#checks")))
        .optional();
  }

  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request request) {
    throw ApiProblem.conflict(
        "check-not-resent",
        "An uptime check is not sent again from the history: it told of a moment that has"
            + " passed. The monitor's next check comes at its interval; resume or edit the monitor"
            + " to check it at once.");
  }
}
