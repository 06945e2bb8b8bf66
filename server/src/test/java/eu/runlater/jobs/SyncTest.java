package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** PUT /api/v1/sync: the desired set of keyed jobs, applied or planned. */
class SyncTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private static String job(String key, String expression, String name) {
    return """
        {"key": "%s", "name": "%s", "url": "https://example.com/%s",
         "schedule": {"type": "cron", "expression": "%s", "timezone": "UTC"}}
        """
        .formatted(key, name, key, expression);
  }

  private static String set(String... jobs) {
    return "{\"jobs\": [" + String.join(",", jobs) + "]}";
  }

  private static Map<String, String> actions(JsonNode result) {
    Map<String, String> actions = new HashMap<>();
    result
        .get("jobs")
        .forEach(j -> actions.put(j.get("key").asString(), j.get("action").asString()));
    return actions;
  }

  private long jobs(java.util.UUID org) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE organization_id = :o")
        .param("o", org)
        .query(Long.class)
        .single();
  }

  @Test
  void sync_creates_updates_deletes_and_leaves_unchanged_and_unkeyed_jobs_alone() {
    var tenant = fixtures.tenant();
    var unkeyed =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            "{\"name\": \"manual\", \"url\": \"https://example.com/m\", \"schedule\": {\"type\":"
                + " \"once\", \"delay\": \"1h\"}}");
    assertThat(unkeyed.status()).isEqualTo(201);

    var first =
        api.put(
            "/api/v1/sync",
            tenant.key(),
            set(job("a", "0 * * * *", "A"), job("b", "0 1 * * *", "B")));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(actions(first.json())).isEqualTo(Map.of("a", "create", "b", "create"));
    assertThat(first.json().get("summary").get("create").asInt()).isEqualTo(2);

    var second =
        api.put(
            "/api/v1/sync",
            tenant.key(),
            set(
                job("a", "0 * * * *", "A"),
                job("b", "0 2 * * *", "B renamed"),
                job("c", "0 3 * * *", "C")));
    assertThat(actions(second.json()))
        .isEqualTo(Map.of("a", "unchanged", "b", "update", "c", "create"));
    JsonNode b = null;
    for (JsonNode j : second.json().get("jobs")) {
      if (j.get("key").asString().equals("b")) {
        b = j;
      }
    }
    assertThat(b.get("changes").get("name").get("from").asString()).isEqualTo("B");
    assertThat(b.get("changes").get("name").get("to").asString()).isEqualTo("B renamed");
    assertThat(b.get("changes").get("schedule").get("to").get("expression").asString())
        .isEqualTo("0 2 * * *");
    assertThat(b.get("job").get("name").asString()).isEqualTo("B renamed");

    var third = api.put("/api/v1/sync", tenant.key(), set(job("c", "0 3 * * *", "C")));
    assertThat(actions(third.json()))
        .isEqualTo(Map.of("a", "delete", "b", "delete", "c", "unchanged"));
    assertThat(jobs(tenant.id())).isEqualTo(2); // c and the unkeyed one
    assertThat(
            api.get("/api/v1/jobs/" + unkeyed.json().get("id").asString(), tenant.key()).status())
        .isEqualTo(200);
  }

  @Test
  void a_one_time_job_s_zone_is_part_of_its_definition() {
    var tenant = fixtures.tenant();
    String at = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(10) + "T08:00";
    java.util.function.Function<String, String> once =
        zone ->
            set(
                """
                {"key": "report", "name": "Report", "url": "https://example.com/report",
                 "schedule": {"type": "once", "at": "%s", "timezone": "%s"}}
                """
                    .formatted(at, zone));
    assertThat(actions(api.put("/api/v1/sync", tenant.key(), once.apply("Europe/Oslo")).json()))
        .isEqualTo(Map.of("report", "create"));
    // The same local time in the same zone: nothing to do.
    assertThat(actions(api.put("/api/v1/sync", tenant.key(), once.apply("Europe/Oslo")).json()))
        .isEqualTo(Map.of("report", "unchanged"));
    // The same local time in another zone is another time.
    var moved = api.put("/api/v1/sync", tenant.key(), once.apply("Europe/London"));
    assertThat(actions(moved.json())).isEqualTo(Map.of("report", "update"));
    JsonNode schedule = moved.json().get("jobs").get(0).get("job").get("schedule");
    assertThat(schedule.get("timezone").asString()).isEqualTo("Europe/London");
    assertThat(java.time.Instant.parse(schedule.get("at").asString()))
        .isEqualTo(
            java.time.LocalDateTime.parse(at)
                .atZone(java.time.ZoneId.of("Europe/London"))
                .toInstant());
  }

  @Test
  void a_dry_run_returns_the_plan_and_changes_nothing() {
    var tenant = fixtures.tenant();
    api.put(
        "/api/v1/sync",
        tenant.key(),
        set(job("keep", "0 * * * *", "K"), job("drop", "0 * * * *", "D")));
    var plan =
        api.put(
            "/api/v1/sync?dry_run=true",
            tenant.key(),
            set(job("keep", "0 */2 * * *", "K"), job("new", "0 * * * *", "N")));
    assertThat(plan.status()).isEqualTo(200);
    assertThat(plan.json().get("dry_run").asBoolean()).isTrue();
    assertThat(actions(plan.json()))
        .isEqualTo(Map.of("keep", "update", "drop", "delete", "new", "create"));
    var keep = api.get("/api/v1/jobs/key/keep", tenant.key()).json();
    assertThat(keep.get("schedule").get("expression").asString()).isEqualTo("0 * * * *");
    assertThat(api.get("/api/v1/jobs/key/drop", tenant.key()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs/key/new", tenant.key()).status()).isEqualTo(404);
  }

  @Test
  void an_invalid_set_is_422_with_indexed_fields_and_changes_nothing() {
    var tenant = fixtures.tenant();
    api.put("/api/v1/sync", tenant.key(), set(job("x", "0 * * * *", "X")));
    var bad =
        api.put(
            "/api/v1/sync",
            tenant.key(),
            set(
                job("y", "0 * * * *", "Y"),
                job("y", "0 * * * *", "Y2"),
                job("z", "99 * * * *", "Z"),
                "{\"name\": \"no key\", \"url\": \"https://example.com\", \"schedule\": {\"type\": \"once\", \"delay\": \"1h\"}}"));
    assertThat(bad.status()).isEqualTo(422);
    List<String> fields = new ArrayList<>();
    bad.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).contains("jobs[1].key", "jobs[2].schedule.expression", "jobs[3].key");
    assertThat(api.get("/api/v1/jobs/key/x", tenant.key()).status()).isEqualTo(200);
    assertThat(jobs(tenant.id())).isEqualTo(1);
  }

  @Test
  void concurrent_syncs_of_the_same_set_end_with_one_job_per_key() throws Exception {
    var tenant = fixtures.tenant();
    String body =
        set(job("p", "0 * * * *", "P"), job("q", "0 * * * *", "Q"), job("r", "0 * * * *", "R"));
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(() -> api.put("/api/v1/sync", tenant.key(), body));
    }
    int creates = 0;
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        assertThat(f.get().status()).as(f.get().body()).isEqualTo(200);
        creates += f.get().json().get("summary").get("create").asInt();
      }
    }
    assertThat(creates).isEqualTo(3);
    assertThat(jobs(tenant.id())).isEqualTo(3);
    assertThat(
            jdbc.sql("SELECT count(*) FROM tasks WHERE organization_id = :o AND state = 'ready'")
                .param("o", tenant.id())
                .query(Long.class)
                .single())
        .isEqualTo(3);
  }
}
