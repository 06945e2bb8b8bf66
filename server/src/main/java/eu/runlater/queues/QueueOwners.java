package eu.runlater.queues;

import eu.runlater.organizations.OwnerLookup;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which of the viewer's organizations holds the queue ({@code /queues/<name>…}) or the message
 * ({@code /messages/<id>}) a page shows.
 */
@Component
class QueueOwners implements OwnerLookup {
  private final JdbcClient jdbc;

  QueueOwners(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<Owner> ownerOf(String path, Collection<UUID> candidates) {
    Optional<Owner> message =
        OwnerLookup.idAfter("/messages/", path)
            .flatMap(
                id ->
                    jdbc.sql(QueueOwnersQueries.MESSAGE_OWNER_AMONG)
                        .param("id", id)
                        .param("organizations", candidates)
                        .query(UUID.class)
                        .optional())
            .map(org -> new Owner(org, "message"));
    if (message.isPresent()) {
      return message;
    }
    String name = OwnerLookup.segmentAfter("/queues/", path);
    if (name == null || name.equals("new")) {
      return Optional.empty();
    }
    String decoded = java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    return jdbc.sql(QueueOwnersQueries.QUEUE_OWNER_AMONG)
        .param("name", decoded)
        .param("organizations", candidates)
        .query(UUID.class)
        .optional()
        .map(org -> new Owner(org, "queue"));
  }
}
