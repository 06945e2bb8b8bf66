package eu.runlater.queues;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A topic as the API shows it: its endpoints, with credentials' header values masked. */
record TopicView(String name, List<EndpointView> endpoints, Instant createdAt, Instant updatedAt) {

  public record EndpointView(String url, Map<String, String> headers) {}

  static TopicView of(Topic topic, SecretBox secrets) {
    List<EndpointView> endpoints =
        topic.endpoints().stream()
            .map(
                e -> {
                  Map<String, String> headers = new LinkedHashMap<>();
                  for (Header h :
                      SealedRequests.maskedHeaders(secrets, e.headers(), e.sealedHeaders())) {
                    headers.put(h.name(), h.value());
                  }
                  return new EndpointView(e.url(), headers);
                })
            .toList();
    return new TopicView(topic.name(), endpoints, topic.createdAt(), topic.updatedAt());
  }
}
