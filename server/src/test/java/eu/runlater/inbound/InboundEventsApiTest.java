package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The received requests' list by time, and dedup over time and by a nested JSON path. Time is moved
 * in SQL (a request's receipt, a dedup claim's expiry) rather than waited for.
 */
class InboundEventsApiTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private JsonNode source(String key, String json) {
    var r = api.post("/api/v1/sources", key, json);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response post(JsonNode source, String body, String... headers) {
    HttpRequest.Builder b =
        api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    var r = api.send(b);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r;
  }

  private static String id(Api.Response answer) {
    return answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
  }

  private static String status(Api.Response answer) {
    return answer.json().get("status").asString();
  }

  /** The ids the list answers for {@code query}, newest first. */
  private List<String> listed(String key, String query) {
    var r = api.get("/api/v1/inbound-events?" + query, key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.json().get("data").forEach(e -> ids.add(e.get("id").asString()));
    return ids;
  }

  private void receivedAgo(String eventId, long minutes) {
    jdbc.sql(
            "UPDATE inbound_events SET received_at = received_at - make_interval(mins => :m)"
                + " WHERE id = :id")
        .param("m", (int) minutes)
        .param("id", UUID.fromString(eventId))
        .update();
  }

  /** Moves the source's dedup claims back as if they were made {@code minutes} earlier. */
  private void claimedEarlier(JsonNode source, long minutes) {
    jdbc.sql(
            "UPDATE inbound_dedup SET expires_at = expires_at - make_interval(mins => :m)"
                + " WHERE source_id = :source")
        .param("m", (int) minutes)
        .param("source", UUID.fromString(source.get("id").asString()))
        .update();
  }

  @Test
  void the_list_filters_by_time_received_since_inclusive_and_until_exclusive() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"timed\"}");
    String twoHours = id(post(s, "{\"n\": 1}"));
    String oneHour = id(post(s, "{\"n\": 2}"));
    String now = id(post(s, "{\"n\": 3}"));
    receivedAgo(twoHours, 120);
    receivedAgo(oneHour, 60);
    String bySource = "source_id=" + s.get("id").asString();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    assertThat(listed(t.key(), bySource)).containsExactly(now, oneHour, twoHours);
    assertThat(listed(t.key(), bySource + "&since=" + at.minus(90, ChronoUnit.MINUTES)))
        .containsExactly(now, oneHour);
    assertThat(listed(t.key(), bySource + "&until=" + at.minus(90, ChronoUnit.MINUTES)))
        .containsExactly(twoHours);
    assertThat(
            listed(
                t.key(),
                bySource
                    + "&since="
                    + at.minus(150, ChronoUnit.MINUTES)
                    + "&until="
                    + at.minus(30, ChronoUnit.MINUTES)))
        .containsExactly(oneHour, twoHours);
    // The bounds: a request received exactly at since is in, exactly at until out.
    String receivedAt =
        URLEncoder.encode(
            api.get("/api/v1/inbound-events/" + oneHour, t.key())
                .json()
                .get("received_at")
                .asString(),
            StandardCharsets.UTF_8);
    assertThat(listed(t.key(), bySource + "&since=" + receivedAt)).containsExactly(now, oneHour);
    assertThat(listed(t.key(), bySource + "&until=" + receivedAt)).containsExactly(twoHours);
    // With the other filters, and refused when it is no time.
    assertThat(
            listed(
                t.key(),
                "status=accepted&since=" + at.minus(90, ChronoUnit.MINUTES) + "&q=%22n%22%3A%201"))
        .isEmpty();
    assertThat(listed(t.key(), "status=accepted&until=" + at.minus(90, ChronoUnit.MINUTES)))
        .containsExactly(twoHours);
    var bad = api.get("/api/v1/inbound-events?since=yesterday", t.key());
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("since", "RFC 3339");
  }

  @Test
  void a_dedup_id_is_a_duplicate_within_24_hours_and_accepted_again_after_them() {
    var t = fixtures.tenant();
    JsonNode s =
        source(t.key(), "{\"name\": \"gh\", \"dedup\": {\"header\": \"X-GitHub-Delivery\"}}");
    assertThat(status(post(s, "{}", "X-GitHub-Delivery", "d-1"))).isEqualTo("accepted");
    assertThat(status(post(s, "{}", "X-GitHub-Delivery", "d-1"))).isEqualTo("duplicate");

    // 23 h 59 min later: still within the window.
    claimedEarlier(s, 24 * 60 - 1);
    assertThat(status(post(s, "{}", "X-GitHub-Delivery", "d-1"))).isEqualTo("duplicate");
    // Past 24 h: the id is taken again, and a new window starts with it.
    claimedEarlier(s, 2);
    var again = post(s, "{}", "X-GitHub-Delivery", "d-1");
    assertThat(status(again)).isEqualTo("accepted");
    assertThat(
            api.get("/api/v1/inbound-events/" + id(again), t.key())
                .json()
                .get("event_key")
                .asString())
        .isEqualTo("d-1");
    assertThat(status(post(s, "{}", "X-GitHub-Delivery", "d-1"))).isEqualTo("duplicate");
    assertThat(listed(t.key(), "status=accepted&source_id=" + s.get("id").asString())).hasSize(2);
  }

  @Test
  void dedup_by_a_nested_json_path_reads_the_field_under_its_parents() {
    var t = fixtures.tenant();
    JsonNode s =
        source(t.key(), "{\"name\": \"stripe\", \"dedup\": {\"json_path\": \"data.object.id\"}}");
    var first = post(s, "{\"id\": \"evt_1\", \"data\": {\"object\": {\"id\": \"in_1\"}}}");
    assertThat(status(first)).isEqualTo("accepted");
    assertThat(
            api.get("/api/v1/inbound-events/" + id(first), t.key())
                .json()
                .get("event_key")
                .asString())
        .isEqualTo("in_1");
    // Another event about the same object: a duplicate by the nested id, not by the top one.
    var same = post(s, "{\"id\": \"evt_2\", \"data\": {\"object\": {\"id\": \"in_1\"}}}");
    assertThat(status(same)).isEqualTo("duplicate");
    assertThat(
            api.get("/api/v1/inbound-events/" + id(same), t.key()).json().get("reason").asString())
        .contains("in_1");
    assertThat(status(post(s, "{\"id\": \"evt_2\", \"data\": {\"object\": {\"id\": \"in_2\"}}}")))
        .isEqualTo("accepted");
    // The same id at the top level is another path's: no key, so no dedup.
    assertThat(status(post(s, "{\"id\": \"in_1\"}"))).isEqualTo("accepted");
    // Where the path ends in an object, or is missing, or the body is no JSON: stored without a
    // key.
    for (String body :
        new String[] {
          "{\"data\": {\"object\": {\"id\": {\"x\": 1}}}}", "{\"data\": 1}", "not json"
        }) {
      var answer = post(s, body);
      assertThat(status(answer)).as(body).isEqualTo("accepted");
      assertThat(
              api.get("/api/v1/inbound-events/" + id(answer), t.key())
                  .json()
                  .get("event_key")
                  .isNull())
          .as(body)
          .isTrue();
    }
  }
}
