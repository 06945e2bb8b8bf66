package eu.runlater.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Caps;
import eu.runlater.organizations.CapsProperties.TierCaps;
import eu.runlater.organizations.Tier;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

/** Monitors through the API: create, read, list, change, pause, resume, delete; bad input. */
class MonitorsApiTest extends ServerTest {
  @Autowired Caps caps;

  @AfterEach
  void resetCaps() {
    caps.reset();
  }

  private JsonNode create(String key, String body) {
    var r = api.post("/api/v1/monitors", key, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void a_heartbeat_is_created_new_with_a_ping_url_and_badges_and_read_back() {
    var t = fixtures.tenant();
    JsonNode m =
        create(
            t.key(),
            """
            {"name": "nightly backup", "period": "1h", "grace": 300, "tags": ["Prod", "db"],
             "slug": "backup"}
            """);
    assertThat(m.get("kind").asString()).isEqualTo("heartbeat");
    assertThat(m.get("state").asString()).isEqualTo("new");
    assertThat(m.get("period").asInt()).isEqualTo(3600);
    assertThat(m.get("grace").asInt()).isEqualTo(300);
    assertThat(m.get("tags").toString()).isEqualTo("[\"prod\",\"db\"]");
    assertThat(m.get("ping_url").asString()).matches("http://.+/ping/[A-Za-z0-9_-]{22}");
    assertThat(m.get("slug_url").asString()).matches("http://.+/ping/[A-Za-z0-9_-]{22}/backup");
    assertThat(m.get("badge").get("svg").asString()).endsWith(".svg");
    assertThat(m.get("url").isNull()).isTrue();

    String id = m.get("id").asString();
    var got = api.get("/api/v1/monitors/" + id, t.key());
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("name").asString()).isEqualTo("nightly backup");

    var list = api.get("/api/v1/monitors?tag=db", t.key()).json();
    assertThat(list.get("data")).hasSize(1);
    assertThat(api.get("/api/v1/monitors?tag=nope", t.key()).json().get("data")).isEmpty();

    var other = fixtures.tenant();
    assertThat(api.get("/api/v1/monitors/" + id, other.key()).status()).isEqualTo(404);
  }

  @Test
  void a_cron_heartbeat_takes_a_zone_and_a_patch_changes_only_what_it_names() {
    var t = fixtures.tenant();
    JsonNode m =
        create(
            t.key(),
            """
            {"name": "report", "cron": "0 2 * * *", "timezone": "europe/oslo", "grace": "10m"}
            """);
    assertThat(m.get("timezone").asString()).isEqualTo("Europe/Oslo");
    String id = m.get("id").asString();
    var patched = api.patch("/api/v1/monitors/" + id, t.key(), "{\"name\": \"daily report\"}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("name").asString()).isEqualTo("daily report");
    assertThat(patched.json().get("cron").asString()).isEqualTo("0 2 * * *");
    assertThat(patched.json().get("grace").asInt()).isEqualTo(600);

    var toPeriod =
        api.patch(
            "/api/v1/monitors/" + id,
            t.key(),
            "{\"cron\": null, \"timezone\": null, \"period\": 7200}");
    assertThat(toPeriod.status()).as(toPeriod.body()).isEqualTo(200);
    assertThat(toPeriod.json().get("period").asInt()).isEqualTo(7200);

    var kind = api.patch("/api/v1/monitors/" + id, t.key(), "{\"kind\": \"tcp\"}");
    assertThat(kind.status()).isEqualTo(422);
  }

  @Test
  void pause_resume_and_delete() {
    var t = fixtures.tenant();
    String id = create(t.key(), "{\"name\": \"x\", \"period\": \"5m\"}").get("id").asString();
    var paused = api.post("/api/v1/monitors/" + id + "/pause", t.key(), null);
    assertThat(paused.json().get("state").asString()).isEqualTo("paused");
    var resumed = api.post("/api/v1/monitors/" + id + "/resume", t.key(), null);
    assertThat(resumed.json().get("state").asString()).isEqualTo("new");
    var events = api.get("/api/v1/monitors/" + id + "/events", t.key()).json().get("data");
    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("to_state").asString()).isEqualTo("new");
    assertThat(events.get(0).get("reason").asString()).isEqualTo("resumed by the API");
    assertThat(api.delete("/api/v1/monitors/" + id, t.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/monitors/" + id, t.key()).status()).isEqualTo(404);
  }

  @Test
  void bad_input_is_a_422_naming_every_field_and_changes_nothing() {
    var t = fixtures.tenant();
    var r =
        api.post(
            "/api/v1/monitors",
            t.key(),
            """
            {"name": "", "period": "10s", "cron": "0 2 * * *", "grace": "soon", "slug": "Start!",
             "url": "https://example.com", "tags": ["a b"]}
            """);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    String errors = r.json().get("errors").toString();
    assertThat(errors)
        .contains("\"name\"", "\"cron\"", "\"grace\"", "\"slug\"", "\"url\"", "\"tags\"");

    var noSchedule = api.post("/api/v1/monitors", t.key(), "{\"name\": \"n\"}");
    assertThat(noSchedule.status()).isEqualTo(422);
    assertThat(noSchedule.json().get("errors").get(0).get("field").asString()).isEqualTo("period");

    var badCron =
        api.post("/api/v1/monitors", t.key(), "{\"name\": \"n\", \"cron\": \"61 * * * *\"}");
    assertThat(badCron.status()).isEqualTo(422);
    var badZone =
        api.post(
            "/api/v1/monitors",
            t.key(),
            "{\"name\": \"n\", \"cron\": \"0 * * * *\", \"timezone\": \"Mars/Base\"}");
    assertThat(badZone.status()).isEqualTo(422);

    var badHttp =
        api.post(
            "/api/v1/monitors",
            t.key(),
            """
            {"name": "site", "kind": "http", "url": "ftp://example.com", "expected_statuses": "2xx",
             "timeout": "2m", "confirmations": 0, "grace": "5m"}
            """);
    assertThat(badHttp.status()).isEqualTo(422);
    assertThat(badHttp.json().get("errors").toString())
        .contains(
            "\"url\"", "\"expected_statuses\"", "\"timeout\"", "\"confirmations\"", "\"grace\"");
    var badTcp =
        api.post(
            "/api/v1/monitors", t.key(), "{\"name\": \"db\", \"kind\": \"tcp\", \"url\": \"db\"}");
    assertThat(badTcp.status()).isEqualTo(422);

    assertThat(api.get("/api/v1/monitors", t.key()).json().get("data")).isEmpty();
  }

  @Test
  void the_free_tier_refuses_checks_more_often_than_every_five_minutes() {
    var t = fixtures.tenant(Tier.FREE);
    var r =
        api.post(
            "/api/v1/monitors",
            t.key(),
            "{\"name\": \"site\", \"kind\": \"http\", \"url\": \"https://example.com\","
                + " \"interval\": \"30s\"}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("interval");
    assertThat(r.json().get("errors").get(0).get("message").asString())
        .contains("free tier checks at most every 5 min");
  }

  @Test
  void the_tier_caps_the_count_of_monitors() {
    caps.override(
        Tier.FREE,
        new TierCaps(10_000L, DataSize.ofMegabytes(100), 3, 20, 3, 2, Duration.ofMinutes(5), 1));
    var t = fixtures.tenant(Tier.FREE);
    create(t.key(), "{\"name\": \"a\", \"period\": \"1h\"}");
    create(t.key(), "{\"name\": \"b\", \"period\": \"1h\"}");
    var third = api.post("/api/v1/monitors", t.key(), "{\"name\": \"c\", \"period\": \"1h\"}");
    assertThat(third.status()).isEqualTo(403);
    assertThat(third.json().get("type").asString()).endsWith("/cap-monitors");
  }

  @Test
  void a_slug_in_use_is_a_409_and_lists_paginate() {
    var t = fixtures.tenant();
    create(t.key(), "{\"name\": \"a\", \"period\": \"1h\", \"slug\": \"same\"}");
    var dup =
        api.post(
            "/api/v1/monitors",
            t.key(),
            "{\"name\": \"b\", \"period\": \"1h\", \"slug\": \"same\"}");
    assertThat(dup.status()).isEqualTo(409);
    create(t.key(), "{\"name\": \"c\", \"period\": \"1h\"}");
    create(t.key(), "{\"name\": \"d\", \"period\": \"1h\"}");
    var first = api.get("/api/v1/monitors?limit=2", t.key()).json();
    assertThat(first.get("data")).hasSize(2);
    var second =
        api.get("/api/v1/monitors?limit=2&cursor=" + first.get("next_cursor").asString(), t.key())
            .json();
    assertThat(second.get("data")).hasSize(1);
    assertThat(second.get("next_cursor").isNull()).isTrue();
  }
}
