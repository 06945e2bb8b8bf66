package eu.runlater.executions;

import eu.runlater.organizations.OwnerLookup;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which of the viewer's organizations holds the execution an {@code /executions/<id>} page shows.
 */
@Component
class ExecutionOwners implements OwnerLookup {
  private final JdbcClient jdbc;

  ExecutionOwners(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Owner> ownerOf(String path, Collection<UUID> candidates) {
    return OwnerLookup.idAfter("/executions/", path)
        .flatMap(
            id ->
                jdbc.sql(ExecutionOwnersQueries.EXECUTION_OWNER_AMONG)
                    .param("id", id)
                    .param("organizations", candidates)
                    .query(UUID.class)
                    .optional())
        .map(org -> new Owner(org, "execution"));
  }
}
