package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Tiers and inbound: a free organization's source takes at most the free tier's requests per second
 * whatever its own limit says, while a pro one's is not capped there; received requests are kept as
 * long as the tier keeps its run history (7 days free, 30 pro), their forwards with them, and dedup
 * ids go after their 24 h.
 */
class InboundLimitsTest extends ServerTest {
  @Autowired InboundRetention retention;

  private JsonNode source(Fixtures.Tenant t, String json) {
    var r = api.post("/api/v1/sources", t.key(), json);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response post(JsonNode source, String body) {
    return api.send(
        api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private int events(Fixtures.Tenant t) {
    return api.get("/api/v1/inbound-events?limit=100", t.key()).json().get("data").size();
  }

  @Test
  void a_free_source_is_held_to_the_free_tiers_rate_and_a_pro_source_is_not() {
    var free = fixtures.tenant(Tier.FREE);
    var pro = fixtures.tenant(Tier.PRO);
    String fast = "{\"name\": \"fast\", \"rate_limit\": {\"requests\": 1000, \"per_seconds\": 1}}";
    JsonNode freeSource = source(free, fast);
    JsonNode proSource = source(pro, fast);
    int max = InboundLimits.maxPerSecond("free");

    long started = System.nanoTime();
    int accepted = 0;
    Api.Response refused = null;
    for (int i = 0; i < 4 * max; i++) {
      var r = post(freeSource, "{\"n\": " + i + "}");
      if (r.status() == 202) {
        accepted++;
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        refused = r;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // The bucket holds `max` and refills `max` a second.
    assertThat(accepted).isBetween(max, max + (int) Math.ceil(seconds * max) + 1);
    assertThat(refused).isNotNull();
    String id = refused.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    JsonNode e = api.get("/api/v1/inbound-events/" + id, free.key()).json();
    assertThat(e.get("reason").asString())
        .isEqualTo(
            "rate limited: more than 10 requests per 1 s (the free tier's most for one source)");

    for (int i = 0; i < 4 * max; i++) {
      assertThat(post(proSource, "{\"n\": " + i + "}").status()).isEqualTo(202);
    }
  }

  @Test
  void requests_are_kept_as_long_as_the_tier_keeps_history_with_their_forwards() {
    var free = fixtures.tenant(Tier.FREE);
    var pro = fixtures.tenant(Tier.PRO);
    String body = "{\"name\": \"in\", \"dedup\": {\"json_path\": \"id\"}}";
    JsonNode freeSource = source(free, body);
    JsonNode proSource = source(pro, body);
    // A paused connection holds the forward: a row that must go with its request.
    var c =
        api.post(
            "/api/v1/connections",
            free.key(),
            "{\"source_id\": \"%s\", \"name\": \"held\", \"destination_url\": \"https://example.com/h\"}"
                .formatted(freeSource.get("id").asString()));
    assertThat(c.status()).as(c.body()).isEqualTo(201);
    api.post("/api/v1/connections/" + c.json().get("id").asString() + "/pause", free.key(), "");
    assertThat(post(freeSource, "{\"id\": \"evt_1\"}").status()).isEqualTo(202);
    assertThat(post(proSource, "{\"id\": \"evt_1\"}").status()).isEqualTo(202);
    Instant now = Instant.now();

    // Within every tier's history, and within the dedup window: nothing goes.
    assertThat(retention.runOnce(now.plus(Duration.ofHours(1))))
        .isEqualTo(new InboundRetention.Result(0, 0));
    assertThat(events(free)).isEqualTo(1);

    // Past 24 h the dedup ids go; past 7 days the free organization's request (and its forward).
    var dayLater = retention.runOnce(now.plus(Duration.ofHours(25)));
    assertThat(dayLater.dedupIds()).isGreaterThanOrEqualTo(2);
    assertThat(dayLater.events()).isZero();
    assertThat(retention.runOnce(now.plus(Duration.ofDays(8))).events()).isGreaterThanOrEqualTo(1);
    assertThat(events(free)).isZero();
    assertThat(events(pro)).isEqualTo(1);

    // Past 30 days the pro one's.
    assertThat(retention.runOnce(now.plus(Duration.ofDays(31))).events()).isGreaterThanOrEqualTo(1);
    assertThat(events(pro)).isZero();
  }
}
