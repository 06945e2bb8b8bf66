package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Pings over HTTP, the sweep, badges, and the alerts a monitor going down opens. */
class PingsTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired HeartbeatSweep sweep;
  @Autowired PingLimiter limiter;

  @BeforeEach
  void freshLimits() {
    limiter.reset();
  }

  private JsonNode create(String key, String body) {
    var r = api.post("/api/v1/monitors", key, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private String path(JsonNode monitor) {
    return monitor.get("ping_url").asString().replaceFirst("^http://[^/]+", "");
  }

  private JsonNode get(String key, JsonNode monitor) {
    return api.get("/api/v1/monitors/" + monitor.get("id").asString(), key).json();
  }

  private Api.Response ping(String method, String path, String body) {
    HttpRequest.Builder b =
        api.request(path)
            .header("User-Agent", "cron-job/1.0")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return api.send(b);
  }

  private long openIncidents(UUID monitorId) {
    return jdbc.sql(
            "SELECT count(*) FROM alert_incidents WHERE subject_kind = 'monitor' AND subject_id ="
                + " :id AND state IN ('pending', 'open')")
        .param("id", monitorId)
        .query(Long.class)
        .single();
  }

  @Test
  void a_ping_is_logged_with_method_source_agent_and_the_first_10_kb_and_makes_it_up() {
    var t = fixtures.tenant();
    JsonNode m = create(t.key(), "{\"name\": \"backup\", \"period\": \"1h\"}");
    var r = ping("GET", path(m), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("OK\n");
    JsonNode after = get(t.key(), m);
    assertThat(after.get("state").asString()).isEqualTo("up");
    assertThat(after.get("last_ping_at").isNull()).isFalse();
    assertThat(
            Duration.between(
                Instant.parse(after.get("last_ping_at").asString()),
                Instant.parse(after.get("next_due_at").asString())))
        .isEqualTo(Duration.ofHours(1));

    String big = "x".repeat(12 * 1024);
    assertThat(ping("POST", path(m), big).status()).isEqualTo(200);
    assertThat(ping("HEAD", path(m), null).status()).isEqualTo(200);
    JsonNode pings =
        api.get("/api/v1/monitors/" + m.get("id").asString() + "/pings", t.key())
            .json()
            .get("data");
    assertThat(pings).hasSize(3);
    assertThat(pings.get(0).get("method").asString()).isEqualTo("HEAD");
    assertThat(pings.get(1).get("method").asString()).isEqualTo("POST");
    assertThat(pings.get(1).get("body").asString()).hasSize(10 * 1024);
    assertThat(pings.get(1).get("body_truncated").asBoolean()).isTrue();
    assertThat(pings.get(2).get("source_ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(pings.get(2).get("user_agent").asString()).isEqualTo("cron-job/1.0");
  }

  @Test
  void start_finish_fail_and_exit_codes_move_the_state_and_alert_on_down_and_back() {
    var t = fixtures.tenant();
    JsonNode m = create(t.key(), "{\"name\": \"etl\", \"period\": \"1h\"}");
    UUID id = UUID.fromString(m.get("id").asString());
    String p = path(m);
    assertThat(ping("POST", p + "/start", null).status()).isEqualTo(200);
    assertThat(get(t.key(), m).get("running_since").isNull()).isFalse();
    assertThat(ping("POST", p, null).status()).isEqualTo(200);
    JsonNode done = get(t.key(), m);
    assertThat(done.get("state").asString()).isEqualTo("up");
    assertThat(done.get("last_duration_ms").isNull()).isFalse();
    assertThat(done.get("running_since").isNull()).isTrue();

    assertThat(ping("GET", p + "/fail", null).status()).isEqualTo(200);
    JsonNode failed = get(t.key(), m);
    assertThat(failed.get("state").asString()).isEqualTo("down");
    assertThat(failed.get("state_reason").asString()).startsWith("a /fail ping");
    assertThat(openIncidents(id)).isEqualTo(1);

    assertThat(ping("GET", p + "/0", null).status()).isEqualTo(200);
    assertThat(get(t.key(), m).get("state").asString()).isEqualTo("up");
    assertThat(openIncidents(id)).isZero();

    assertThat(ping("GET", p + "/3", null).status()).isEqualTo(200);
    JsonNode exited = get(t.key(), m);
    assertThat(exited.get("state").asString()).isEqualTo("down");
    assertThat(exited.get("state_reason").asString()).startsWith("exit code 3");
    assertThat(ping("GET", p + "/256", null).status()).isEqualTo(404);

    JsonNode events = api.get("/api/v1/monitors/" + id + "/events", t.key()).json().get("data");
    assertThat(events).hasSize(4); // new→up, up→down, down→up, up→down
  }

  @Test
  void an_unknown_token_is_a_404_that_says_nothing_and_a_deleted_monitors_token_too() {
    var t = fixtures.tenant();
    JsonNode m = create(t.key(), "{\"name\": \"gone\", \"period\": \"1h\"}");
    var never = ping("GET", "/ping/AAAAAAAAAAAAAAAAAAAAAA", null);
    api.delete("/api/v1/monitors/" + m.get("id").asString(), t.key());
    var deleted = ping("GET", path(m), null);
    assertThat(never.status()).isEqualTo(404);
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.body()).isEqualTo(never.body()).isEqualTo("not found\n");
    assertThat(ping("GET", "/ping/AAAAAAAAAAAAAAAAAAAAAA/start", null).status()).isEqualTo(404);
  }

  @Test
  void the_slug_form_pings_by_the_organizations_key_and_creates_on_first_ping_when_asked() {
    var t = fixtures.tenant();
    create(t.key(), "{\"name\": \"backup\", \"period\": \"1h\", \"slug\": \"backup\"}");
    String key = api.get("/api/v1/monitors/ping-key", t.key()).json().get("ping_key").asString();
    assertThat(ping("GET", "/ping/" + key + "/backup", null).status()).isEqualTo(200);
    assertThat(ping("GET", "/ping/" + key + "/backup/start", null).status()).isEqualTo(200);
    assertThat(ping("GET", "/ping/" + key + "/other", null).status()).isEqualTo(404);
    assertThat(ping("GET", "/ping/" + key + "/other?create=1", null).status()).isEqualTo(200);
    JsonNode list = api.get("/api/v1/monitors?q=other", t.key()).json().get("data");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("state").asString()).isEqualTo("up");
    assertThat(list.get(0).get("period").asInt()).isEqualTo(86_400);
    assertThat(ping("GET", "/ping/nokey/backup?create=1", null).status()).isEqualTo(404);
  }

  @Test
  void a_flood_is_refused_with_retry_after_but_a_ping_that_changes_the_state_is_taken() {
    var t = fixtures.tenant();
    JsonNode m = create(t.key(), "{\"name\": \"chatty\", \"period\": \"1h\"}");
    String p = path(m);
    int refused = 0;
    String retryAfter = null;
    for (int i = 0; i < 30; i++) {
      var r = ping("GET", p, null);
      if (r.status() == 429) {
        refused++;
        retryAfter = r.headers().firstValue("Retry-After").orElse(null);
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(5);
    assertThat(retryAfter).isNotNull();
    assertThat(Integer.parseInt(retryAfter)).isPositive();
    assertThat(ping("GET", p + "/fail", null).status()).isEqualTo(200);
    assertThat(get(t.key(), m).get("state").asString()).isEqualTo("down");
    assertThat(ping("GET", p, null).status()).isEqualTo(200);
    assertThat(get(t.key(), m).get("state").asString()).isEqualTo("up");
    int again = 0;
    for (int i = 0; i < 10; i++) {
      again += ping("GET", p, null).status() == 429 ? 1 : 0;
    }
    assertThat(again).as("repeats are refused again").isPositive();
  }

  @Test
  void the_sweep_makes_a_silent_monitor_late_then_down_and_alerts() {
    var t = fixtures.tenant();
    JsonNode m = create(t.key(), "{\"name\": \"quiet\", \"period\": \"1h\", \"grace\": \"5m\"}");
    UUID id = UUID.fromString(m.get("id").asString());
    ping("GET", path(m), null);
    Instant due = Instant.parse(get(t.key(), m).get("next_due_at").asString());
    sweep.runOnce(due.minusSeconds(1));
    assertThat(get(t.key(), m).get("state").asString()).isEqualTo("up");
    sweep.runOnce(due.plusSeconds(1));
    assertThat(get(t.key(), m).get("state").asString()).isEqualTo("late");
    assertThat(openIncidents(id)).isZero();
    sweep.runOnce(due.plus(Duration.ofMinutes(5)));
    JsonNode down = get(t.key(), m);
    assertThat(down.get("state").asString()).isEqualTo("down");
    assertThat(down.get("state_reason").asString()).contains("every 1 h with 5 min grace");
    assertThat(openIncidents(id)).isEqualTo(1);
    assertThat(
            jdbc.sql("SELECT count(*) FROM monitors WHERE id = :id AND transition_at IS NULL")
                .param("id", id)
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  @Test
  void badges_show_a_monitors_state_and_a_tags_worst_state_without_auth() {
    var t = fixtures.tenant();
    JsonNode a = create(t.key(), "{\"name\": \"api\", \"period\": \"1h\", \"tags\": [\"prod\"]}");
    JsonNode b = create(t.key(), "{\"name\": \"db\", \"period\": \"1h\", \"tags\": [\"prod\"]}");
    ping("GET", path(a), null);
    ping("GET", path(b) + "/fail", null);
    String svgUrl = a.get("badge").get("svg").asString().replaceFirst("^http://[^/]+", "");
    var svg = api.get(svgUrl, null);
    assertThat(svg.status()).isEqualTo(200);
    assertThat(svg.contentType()).startsWith("image/svg+xml");
    assertThat(svg.body()).contains("api: up");
    String jsonUrl = b.get("badge").get("json").asString().replaceFirst("^http://[^/]+", "");
    JsonNode json = api.get(jsonUrl, null).json();
    assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(json.get("message").asString()).isEqualTo("down");

    JsonNode tags = api.get("/api/v1/monitors/badges", t.key()).json().get("data");
    assertThat(tags).hasSize(1);
    assertThat(tags.get(0).get("tag").asString()).isEqualTo("prod");
    var tag = api.get(tags.get(0).get("svg").asString().replaceFirst("^http://[^/]+", ""), null);
    assertThat(tag.body()).contains("prod: down");
    assertThat(api.get("/badge/nope.svg", null).status()).isEqualTo(404);
  }
}
