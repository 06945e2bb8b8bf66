package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** A queue's depth, in-flight count, dead letters and measured rate: in the API and as metrics. */
class QueueMetricsTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired QueueMetrics metrics;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private void push(String key, String queue, String path, String extra) {
    var r =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            key,
            """
            {"url": "%s", "body": {"n": 1}%s}
            """
                .formatted(sink.url(path), extra));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private JsonNode queue(String key, String name) {
    return api.get("/api/v1/queues/" + name, key).json();
  }

  @Test
  void depth_in_flight_dead_and_the_measured_rate_show_in_the_api_and_the_metrics() {
    var t = fixtures.tenant();
    sink.respond(r -> r.path().equals("/broken") ? Reply.status(400) : Reply.status(200));
    // Three held by a paused queue; three delivered and one dead in another.
    assertThat(api.put("/api/v1/queues/held", t.key(), "{\"paused\": true}").status())
        .isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      push(t.key(), "held", "/held", "");
      push(t.key(), "busy", "/ok", "");
    }
    push(t.key(), "busy", "/broken", ", \"retries\": 0");
    Sink.await(
        WAIT,
        "three delivered and one dead",
        () -> {
          JsonNode q = queue(t.key(), "busy");
          return q.get("measured").get("delivered_last_minute").asLong() == 3
              && q.get("dead").asLong() == 1;
        });

    JsonNode busy = queue(t.key(), "busy");
    assertThat(busy.get("waiting").asLong()).isZero();
    assertThat(busy.get("in_flight").asLong()).isZero();
    assertThat(busy.get("measured").get("failed_last_minute").asLong()).isEqualTo(1);
    assertThat(busy.get("measured").get("per_second").asDouble()).isEqualTo(0.07); // 4 / 60
    JsonNode held = queue(t.key(), "held");
    assertThat(held.get("waiting").asLong()).isEqualTo(3);
    assertThat(held.get("measured").get("per_second").asDouble()).isZero();

    metrics.refresh();
    String scrape = api.get("/actuator/prometheus", METRICS_TOKEN).body();
    // Series carry ids, never the organization's slug or a queue's name.
    String org = t.organization().id().toString();
    String heldId = queueId(t, "held");
    String busyId = queueId(t, "busy");
    assertThat(scrape).doesNotContain(t.organization().slug()).doesNotContain("\"held\"");
    assertThat(scrape).containsPattern(series("runlater_queue_waiting", org, heldId, "3\\.0"));
    assertThat(scrape).containsPattern(series("runlater_queue_waiting", org, busyId, "0\\.0"));
    assertThat(scrape).containsPattern(series("runlater_queue_in_flight", org, busyId, "0\\.0"));
    assertThat(scrape).containsPattern(series("runlater_queue_dead", org, busyId, "1\\.0"));
    assertThat(scrape)
        .containsPattern(series("runlater_queue_finished_per_second", org, busyId, "0\\.066"));

    // A deep queue is counted up to the cap, so a refresh stays cheap; the API counts exactly.
    metrics.refresh(2);
    assertThat(api.get("/actuator/prometheus", METRICS_TOKEN).body())
        .containsPattern(series("runlater_queue_waiting", org, heldId, "2\\.0"));
    assertThat(queue(t.key(), "held").get("waiting").asLong()).isEqualTo(3);
  }

  private String queueId(eu.runlater.support.Fixtures.Tenant t, String name) {
    return jdbc.sql("SELECT id::text FROM queues WHERE organization_id = :org AND name = :name")
        .param("org", t.organization().id())
        .param("name", name)
        .query(String.class)
        .single();
  }

  /** One series of a scrape, whatever common tags the registry adds. */
  private static String series(String name, String organization, String queue, String value) {
    return name
        + "\\{[^}]*organization=\""
        + java.util.regex.Pattern.quote(organization)
        + "\",queue=\""
        + queue
        + "\"} "
        + value;
  }
}
