package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Transport;
import eu.runlater.platform.engine.SchemeTransport;
import eu.runlater.testing.Sink;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Jobs whose target is a workflow: a cron job with seconds starting a run per occurrence (each
 * run's http step reaching a real receiver), the job's history naming the runs, validation at
 * create naming workflow.key and workflow.input, a start refused at delivery failing at once, and a
 * task delivered again (or twice at once) starting exactly one run.
 */
class WorkflowJobStartsTest extends WorkflowApiTest {
  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.shared();

  @Autowired List<SchemeTransport> transports;

  private static final String SCHEMA =
      "\"input_schema\": {\"type\": \"object\", \"required\": [\"customer\"], \"properties\":"
          + " {\"customer\": {\"type\": \"string\"}}}";

  private String cronJob(String name, String workflow, String input) {
    return """
        {"name": "%s", "workflow": {"key": "%s", "input": %s},
         "schedule": {"type": "cron", "expression": "* * * * * *"}}"""
        .formatted(name, workflow, input);
  }

  private List<JsonNode> runs(String key) {
    List<JsonNode> list = new ArrayList<>();
    api.get("/api/v1/workflows/" + key + "/runs?limit=100", t.key())
        .json()
        .get("data")
        .forEach(list::add);
    return list;
  }

  /** The job's executions, each in full (request and response), newest first. */
  private List<JsonNode> executions(String jobId) {
    List<JsonNode> list = new ArrayList<>();
    api.get("/api/v1/jobs/" + jobId + "/executions?limit=100", t.key())
        .json()
        .get("data")
        .forEach(
            e -> list.add(api.get("/api/v1/executions/" + e.get("id").asString(), t.key()).json()));
    return list;
  }

  @Test
  void a_cron_job_with_seconds_starts_a_run_each_occurrence_and_its_history_names_them() {
    defineWith(
        "nightly",
        SCHEMA,
        http(
            "report",
            "/report",
            "\"method\": \"POST\", \"body\": {\"for\": \"{{ input.customer }}\"}"));
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            cronJob("every second", "nightly", "{\"customer\": \"acme\"}"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode job = created.json();
    String jobId = job.get("id").asString();
    assertThat(job.get("workflow").get("key").asString()).isEqualTo("nightly");
    assertThat(job.get("workflow").get("input").get("customer").asString()).isEqualTo("acme");
    assertThat(job.get("url").isNull()).isTrue();

    Sink.await(
        WITHIN,
        "three succeeded runs",
        () ->
            runs("nightly").stream()
                    .filter(r -> r.get("state").asString().equals("succeeded"))
                    .count()
                >= 3);
    assertThat(api.post("/api/v1/jobs/" + jobId + "/pause", t.key(), null).status()).isEqualTo(200);

    for (Sink.Received r : target.received()) {
      assertThat(r.path()).isEqualTo("/report");
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"for\":\"acme\"}");
    }
    // Each occurrence's attempt answered with the run it started; no run was started twice.
    Sink.await(
        WITHIN,
        "every run in the job's history",
        () -> {
          Set<String> named = new HashSet<>();
          for (JsonNode e : executions(jobId)) {
            if (e.get("status").asString().equals("success")) {
              named.add(
                  JSON.readTree(e.get("response").get("body").asString()).get("run_id").asString());
            }
          }
          Set<String> started = new HashSet<>();
          runs("nightly").forEach(r -> started.add(r.get("id").asString()));
          return named.equals(started);
        });
    for (JsonNode e : executions(jobId)) {
      assertThat(e.get("status").asString()).as(e.toString()).isEqualTo("success");
      assertThat(e.get("status_code").asInt()).isEqualTo(201);
      JsonNode answer = JSON.readTree(e.get("response").get("body").asString());
      assertThat(answer.get("workflow").asString()).isEqualTo("nightly");
      assertThat(answer.get("started").asBoolean()).isTrue();
      // The run names the job and the attempt that started it.
      JsonNode by = run(answer.get("run_id").asString()).get("started_by");
      assertThat(by.get("kind").asString()).isEqualTo("job");
      assertThat(by.get("id").asString()).isEqualTo(jobId);
      assertThat(by.get("name").asString()).isEqualTo("every second");
      assertThat(by.get("execution_id").asString()).isEqualTo(e.get("id").asString());
      assertThat(by.get("link").asString()).isEqualTo("/jobs/" + jobId);
    }
    long occurrences =
        jdbc.sql(
                "SELECT count(*) FROM workflow_starts s JOIN workflow_runs r ON r.id = s.run_id WHERE s.source_id = :job::uuid")
            .param("job", jobId)
            .query(Long.class)
            .single();
    assertThat(occurrences).isEqualTo(runs("nightly").size());
  }

  @Test
  void a_workflow_target_is_checked_at_create_naming_the_field() {
    defineWith("checked", SCHEMA, http("a", "/a", ""));
    var unknown = api.post("/api/v1/jobs", t.key(), cronJob("x", "nope", "{}"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("workflow.key").contains("names no workflow");

    var badInput = api.post("/api/v1/jobs", t.key(), cronJob("x", "checked", "{\"customer\": 7}"));
    assertThat(badInput.status()).isEqualTo(422);
    assertThat(badInput.body()).contains("workflow.input");

    var missing = api.post("/api/v1/jobs", t.key(), cronJob("x", "checked", "{}"));
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body()).contains("workflow.input").contains("customer");

    var both =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "x", "url": "https://example.com/", "workflow": {"key": "checked"},
             "schedule": {"type": "once", "delay": "1h"}}""");
    assertThat(both.status()).isEqualTo(422);
    assertThat(both.body()).contains("\"url\"").contains("not both");

    assertThat(api.delete("/api/v1/workflows/checked", t.key()).status()).isEqualTo(204);
    var archived =
        api.post("/api/v1/jobs", t.key(), cronJob("x", "checked", "{\"customer\": \"a\"}"));
    assertThat(archived.status()).isEqualTo(422);
    assertThat(archived.body()).contains("workflow.key").contains("archived");
    assertThat(api.get("/api/v1/jobs", t.key()).json().get("data").size()).isZero();
  }

  @Test
  void a_job_switches_between_a_url_and_a_workflow_by_patch() {
    defineWith("switch", "", http("a", "/a", ""));
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "x", "url": "https://example.com/", "schedule": {"type": "once", "delay": "1h"}}""");
    String id = created.json().get("id").asString();
    var toWorkflow =
        api.patch(
            "/api/v1/jobs/" + id,
            t.key(),
            "{\"workflow\": {\"key\": \"switch\", \"input\": {\"n\": 1}}}");
    assertThat(toWorkflow.status()).as(toWorkflow.body()).isEqualTo(200);
    assertThat(toWorkflow.json().get("workflow").get("input").get("n").asInt()).isEqualTo(1);
    assertThat(toWorkflow.json().get("url").isNull()).isTrue();
    assertThat(toWorkflow.json().get("method").isNull()).isTrue();

    var renamed = api.patch("/api/v1/jobs/" + id, t.key(), "{\"name\": \"y\"}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("workflow").get("key").asString()).isEqualTo("switch");

    var toUrl = api.patch("/api/v1/jobs/" + id, t.key(), "{\"url\": \"https://example.com/back\"}");
    assertThat(toUrl.status()).as(toUrl.body()).isEqualTo(200);
    assertThat(toUrl.json().get("url").asString()).isEqualTo("https://example.com/back");
    assertThat(toUrl.json().get("workflow").isNull()).isTrue();
  }

  @Test
  void a_start_refused_at_delivery_fails_the_attempt_at_once() {
    defineWith("later", "", http("a", "/a", ""));
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "x", "workflow": {"key": "later"}, "retries": 3,
             "schedule": {"type": "once", "delay": "1s"}}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String jobId = created.json().get("id").asString();
    // The workflow now asks for an input the job does not give.
    var saved =
        api.put(
            "/api/v1/workflows/later",
            t.key(),
            "{\"key\": \"later\", " + SCHEMA + ", \"steps\": [" + http("a", "/a", "") + "]}");
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);

    Sink.await(WITHIN, "the attempt", () -> !executions(jobId).isEmpty());
    JsonNode e = executions(jobId).getFirst();
    assertThat(e.get("status").asString()).isEqualTo("failed");
    assertThat(e.get("status_code").asInt()).isEqualTo(422);
    assertThat(e.get("response").get("body").asString()).contains("customer");
    assertThat(e.get("next_attempt_at").isNull()).as("not retried").isTrue();
    assertThat(runs("later")).isEmpty();
  }

  @Test
  void a_task_delivered_again_or_twice_at_once_starts_exactly_one_run() throws Exception {
    defineWith("once", "", http("a", "/a", ""));
    Transport transport =
        transports.stream()
            .filter(s -> s.scheme().equals("workflow"))
            .findFirst()
            .orElseThrow()
            .transport();
    UUID task = UUID.randomUUID();
    Transport.Message message =
        new Transport.Message(
            task,
            t.organization().id(),
            1,
            URI.create("workflow:start/once"),
            "POST",
            List.of(),
            "{\"n\": 1}".getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(30));

    Transport.Answer first = transport.send(message);
    Transport.Answer again = transport.send(message);
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    JsonNode a = JSON.readTree(new String(first.body(), StandardCharsets.UTF_8));
    JsonNode b = JSON.readTree(new String(again.body(), StandardCharsets.UTF_8));
    assertThat(b.get("run_id").asString()).isEqualTo(a.get("run_id").asString());
    assertThat(b.get("started").asBoolean()).isFalse();
    assertThat(runs("once")).hasSize(1);

    // Two deliveries of one task at the same moment (a rescued task beside a slow first attempt).
    UUID twice = UUID.randomUUID();
    Transport.Message m2 =
        new Transport.Message(
            twice,
            t.organization().id(),
            1,
            message.target(),
            "POST",
            List.of(),
            message.body(),
            message.timeout());
    CountDownLatch go = new CountDownLatch(1);
    Callable<Transport.Answer> send =
        () -> {
          go.await();
          return transport.send(m2);
        };
    try (var pool = Executors.newFixedThreadPool(4)) {
      List<Future<Transport.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(pool.submit(send));
      }
      go.countDown();
      Set<String> named = new HashSet<>();
      int started = 0;
      for (var f : answers) {
        Transport.Answer answer = f.get();
        assertThat(answer.status()).isIn(200, 201);
        JsonNode body = JSON.readTree(new String(answer.body(), StandardCharsets.UTF_8));
        named.add(body.get("run_id").asString());
        started += body.get("started").asBoolean() ? 1 : 0;
      }
      assertThat(named).hasSize(1);
      assertThat(started).isEqualTo(1);
    }
    assertThat(runs("once")).hasSize(2);
  }

  @Test
  void the_job_pages_show_the_workflow_and_link_the_latest_run() {
    defineWith("paged", "", http("a", "/a", ""));
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "Paged job", "workflow": {"key": "paged", "input": {"region": "eu"}},
             "schedule": {"type": "once", "delay": "0s"}}""");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String jobId = created.json().get("id").asString();
    Sink.await(WITHIN, "the run", () -> !runs("paged").isEmpty());
    String run = runs("paged").getFirst().get("id").asString();
    Sink.await(WITHIN, "the start recorded", () -> !executions(jobId).isEmpty());

    var browser =
        signIn(fixtures.user(t.organization().id(), eu.runlater.organizations.Role.MEMBER));
    var list = browser.get("/jobs");
    assertThat(list.body()).contains("Paged job").contains("workflow paged");
    var detail = browser.get("/jobs/" + jobId);
    assertThat(detail.status()).isEqualTo(200);
    assertThat(detail.body())
        .contains("href=\"/workflows/paged\"")
        .contains("href=\"/workflow-runs/" + run + "\"")
        .contains("&quot;region&quot; : &quot;eu&quot;")
        .doesNotContain("workflow:start");
    var edit = browser.get("/jobs/" + jobId + "/edit");
    assertThat(edit.status()).isEqualTo(200);
    // The form shows the workflow chosen, with its input; no start URL to edit by hand.
    assertThat(edit.body())
        .contains("name=\"target\" value=\"workflow\" checked")
        .contains("<option value=\"paged\" selected=\"selected\">")
        .contains("&quot;region&quot; : &quot;eu&quot;")
        .doesNotContain("workflow:start/paged");
  }
}
