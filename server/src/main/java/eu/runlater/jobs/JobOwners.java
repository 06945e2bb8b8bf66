package eu.runlater.jobs;

import eu.runlater.organizations.OwnerLookup;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Which of the viewer's organizations holds the job a {@code /jobs/<id>…} page shows. */
@Component
class JobOwners implements OwnerLookup {
  private final JdbcClient jdbc;

  JobOwners(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Owner> ownerOf(String path, Collection<UUID> candidates) {
    return OwnerLookup.idAfter("/jobs/", path)
        .flatMap(
            id ->
                jdbc.sql(JobOwnersQueries.JOB_OWNER_AMONG)
                    .param("id", id)
                    .param("organizations", candidates)
                    .query(UUID.class)
                    .optional())
        .map(org -> new Owner(org, "job"));
  }
}
