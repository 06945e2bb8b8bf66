package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs through the API against a real HTTP target: each step kind, templates, joins, skipped
 * branches, failure with retries, continue, retry from the failed step, cancellation, the max run
 * time, the input schema and Idempotency-Key, input PostgreSQL cannot store, and what a send key
 * may do with workflows.
 */
class WorkflowRunsTest extends WorkflowApiTest {
  @Test
  void a_linear_run_passes_outputs_through_templates_and_carries_run_and_step_keys() {
    define(
        "linear",
        http("fetch", "/fetch", ""),
        http(
            "post",
            "/orders/{{ steps.fetch.output.body.id }}",
            "\"depends_on\": [\"fetch\"], \"method\": \"POST\", \"headers\": {\"X-Customer\":"
                + " \"{{ input.customer }}\"}, \"body\": {\"id\": \"{{ steps.fetch.output.body.id"
                + " }}\", \"note\": \"for {{ input.customer }}\"}"));
    String id = startRun("linear", "{\"customer\": \"acme\"}");
    JsonNode r = awaitState(id, "succeeded");

    assertThat(target.count()).isEqualTo(2);
    var fetch = target.received().get(0);
    var post = target.received().get(1);
    assertThat(post.path()).isEqualTo("/orders/42");
    assertThat(post.header("X-Customer")).isEqualTo("acme");
    assertThat(new String(post.body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":42,\"note\":\"for acme\"}");
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    for (var req : java.util.List.of(fetch, post)) {
      assertThat(req.header("Runlater-Run-Id")).isEqualTo(id);
      assertThat(req.header("webhook-signature")).startsWith("v1,");
    }
    assertThat(fetch.header("Idempotency-Key")).isEqualTo(id + "/fetch");
    assertThat(post.header("Idempotency-Key")).isEqualTo(id + "/post");

    var s = steps(r);
    assertThat(s.get("fetch").get("state").asString()).isEqualTo("succeeded");
    assertThat(s.get("fetch").get("attempts").asInt()).isEqualTo(1);
    assertThat(s.get("fetch").get("output").get("status").asInt()).isEqualTo(200);
    assertThat(s.get("fetch").get("output").get("body").get("id").asInt()).isEqualTo(42);
    assertThat(s.get("post").get("duration_ms").isNumber()).isTrue();
    assertThat(Instant.parse(s.get("post").get("started_at").asString()))
        .isAfterOrEqualTo(Instant.parse(s.get("fetch").get("finished_at").asString()));
    String execution = s.get("post").get("execution_id").asString();
    assertThat(api.get("/api/v1/executions/" + execution, t.key()).status()).isEqualTo(200);
    assertThat(r.get("duration_ms").isNumber()).isTrue();
  }

  @Test
  void a_condition_runs_one_branch_skips_the_other_and_joins_meet_all_any_and_n() {
    define(
        "branches",
        http("fetch", "/fetch", ""),
        """
        {"name": "big", "kind": "condition", "depends_on": ["fetch"],
         "expression": "steps.fetch.output.body.id > 10 && input.tier == 'pro'",
         "then": ["a", "b"], "else": ["c"]}""",
        http("a", "/a", "\"depends_on\": [\"big\"]"),
        http("b", "/b", "\"depends_on\": [\"big\"]"),
        http("c", "/c", "\"depends_on\": [\"big\"]"),
        http("two_of_three", "/two", "\"depends_on\": [\"a\", \"b\", \"c\"], \"join\": 2"),
        http("any", "/any", "\"depends_on\": [\"a\", \"c\"], \"join\": \"any\""),
        http("all", "/all", "\"depends_on\": [\"a\", \"c\"]"),
        http("after_skip", "/after", "\"depends_on\": [\"c\"]"));
    JsonNode r = awaitState(startRun("branches", "{\"tier\": \"pro\"}"), "succeeded");
    var s = steps(r);
    assertThat(s.get("big").get("decision").get("result").asBoolean()).isTrue();
    assertThat(s.get("big").get("decision").get("chosen").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(s.get("big").get("decision").get("expression").asString()).contains("input.tier");
    for (String ran : new String[] {"a", "b", "two_of_three", "any"}) {
      assertThat(s.get(ran).get("state").asString()).as(ran).isEqualTo("succeeded");
    }
    for (String skipped : new String[] {"c", "all", "after_skip"}) {
      assertThat(s.get(skipped).get("state").asString()).as(skipped).isEqualTo("skipped");
      assertThat(s.get(skipped).get("decision").get("reason").asString()).as(skipped).isNotEmpty();
    }
    assertThat(s.get("c").get("decision").get("reason").asString())
        .contains("big chose the other branch");
    assertThat(target.received().stream().map(Sink.Received::path))
        .containsExactlyInAnyOrder("/fetch", "/a", "/b", "/two", "/any");

    JsonNode other = awaitState(startRun("branches", "{\"tier\": \"free\"}"), "succeeded");
    var o = steps(other);
    assertThat(o.get("big").get("decision").get("result").asBoolean()).isFalse();
    assertThat(o.get("c").get("state").asString()).isEqualTo("succeeded");
    assertThat(o.get("after_skip").get("state").asString()).isEqualTo("succeeded");
    assertThat(o.get("two_of_three").get("state").asString()).isEqualTo("skipped");
    assertThat(o.get("any").get("state").asString()).isEqualTo("succeeded");
  }

  @Test
  void a_step_failing_after_its_retries_fails_the_run_and_a_retry_resumes_from_it() {
    AtomicInteger flaky = new AtomicInteger();
    AtomicInteger healthy = new AtomicInteger(0);
    target.respond(
        r -> {
          if (r.path().equals("/flaky")) {
            flaky.incrementAndGet();
            return json(healthy.get() == 1 ? 200 : 500, "{\"ok\": false}");
          }
          return json(200, "{}");
        });
    define(
        "fragile",
        http("first", "/first", ""),
        http("flaky", "/flaky", "\"depends_on\": [\"first\"], \"retries\": 1"),
        http("last", "/last", "\"depends_on\": [\"flaky\"]"));
    String id = startRun("fragile", "{}");
    JsonNode r = awaitState(id, "failed");
    var s = steps(r);
    assertThat(r.get("error").asString()).contains("step flaky failed").contains("500");
    assertThat(s.get("flaky").get("state").asString()).isEqualTo("failed");
    assertThat(s.get("flaky").get("attempts").asInt()).isEqualTo(2);
    assertThat(s.get("flaky").get("output").get("status").asInt()).isEqualTo(500);
    assertThat(s.get("last").get("state").asString()).isEqualTo("cancelled");
    assertThat(flaky.get()).isEqualTo(2);

    var again = api.post("/api/v1/workflow-runs/" + id + "/retry", t.key(), "{}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    r = awaitState(id, "failed");
    assertThat(flaky.get()).isEqualTo(4);
    assertThat(steps(r).get("flaky").get("attempts").asInt()).isEqualTo(4);

    healthy.set(1);
    api.post("/api/v1/workflow-runs/" + id + "/retry", t.key(), "{}");
    r = awaitState(id, "succeeded");
    assertThat(target.received().stream().filter(x -> x.path().equals("/first"))).hasSize(1);
    assertThat(steps(r).get("last").get("state").asString()).isEqualTo("succeeded");
    // Every attempt of the step carried one key.
    assertThat(
            target.received().stream()
                .filter(x -> x.path().equals("/flaky"))
                .map(x -> x.header("Idempotency-Key"))
                .distinct())
        .containsExactly(id + "/flaky");
    assertThat(api.post("/api/v1/workflow-runs/" + id + "/retry", t.key(), "{}").status())
        .isEqualTo(409);
  }

  @Test
  void a_step_that_continues_on_failure_lets_the_run_succeed() {
    target.respond(r -> json(r.path().equals("/bad") ? 404 : 200, "{}"));
    define(
        "tolerant",
        http("bad", "/bad", "\"on_failure\": \"continue\""),
        http("next", "/next", "\"depends_on\": [\"bad\"]"));
    JsonNode r = awaitState(startRun("tolerant", "{}"), "succeeded");
    var s = steps(r);
    assertThat(s.get("bad").get("state").asString()).isEqualTo("failed");
    assertThat(s.get("bad").get("error").asString()).contains("404");
    assertThat(s.get("next").get("state").asString()).isEqualTo("succeeded");
  }

  @Test
  void a_sleep_holds_the_next_step_and_a_cancel_ends_the_run_before_it() {
    define(
        "sleepy",
        "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1s\"}",
        http("after", "/after", "\"depends_on\": [\"nap\"]"));
    Instant started = Instant.now();
    String id = startRun("sleepy", "{}");
    awaitState(id, "succeeded");
    assertThat(target.received().getFirst().at()).isAfterOrEqualTo(started.plusSeconds(1));

    define(
        "long_sleep",
        "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1h\"}",
        http("after", "/never", "\"depends_on\": [\"nap\"]"));
    String long_ = startRun("long_sleep", "{}");
    assertThat(steps(run(long_)).get("nap").get("state").asString()).isEqualTo("running");
    var cancelled = api.post("/api/v1/workflow-runs/" + long_ + "/cancel", t.key(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("state").asString()).isEqualTo("cancelled");
    var s = steps(cancelled.json());
    assertThat(s.get("nap").get("state").asString()).isEqualTo("cancelled");
    assertThat(s.get("after").get("state").asString()).isEqualTo("cancelled");
    assertThat(api.post("/api/v1/workflow-runs/" + long_ + "/cancel", t.key(), "{}").status())
        .isEqualTo(409);
    var list = api.get("/api/v1/workflows/long_sleep/runs?state=cancelled", t.key()).json();
    assertThat(list.get("data")).hasSize(1);
    assertThat(
            api.get("/api/v1/workflows/long_sleep/runs?state=running", t.key()).json().get("data"))
        .isEmpty();
  }

  @Test
  void a_run_past_its_max_run_time_fails() {
    defineWith(
        "bounded",
        "\"max_run_time\": \"1s\"",
        "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1h\"}");
    JsonNode r = awaitState(startRun("bounded", "{}"), "failed");
    assertThat(r.get("error").asString()).contains("max run time");
    assertThat(steps(r).get("nap").get("state").asString()).isEqualTo("cancelled");
  }

  @Test
  void input_is_checked_against_the_schema_and_a_repeated_idempotency_key_starts_one_run() {
    defineWith(
        "typed",
        "\"input_schema\": {\"type\": \"object\", \"required\": [\"email\"],"
            + " \"properties\": {\"email\": {\"type\": \"string\"}}}",
        http("a", "/a", ""));
    var bad = api.post("/api/v1/workflows/typed/runs", t.key(), "{\"input\": {\"email\": 12}}");
    assertThat(bad.status()).as(bad.body()).isEqualTo(422);
    assertThat(bad.json().get("errors").get(0).get("field").asString()).startsWith("input");
    assertThat(api.get("/api/v1/workflows/typed/runs", t.key()).json().get("data")).isEmpty();

    HttpRequest.Builder once =
        api.request("/api/v1/workflows/typed/runs")
            .header("Authorization", "Bearer " + t.key())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "start-1")
            .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"email\": \"a@b.c\"}}"));
    var first = api.send(once);
    var second = api.send(once);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(second.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
    assertThat(api.get("/api/v1/workflows/typed/runs", t.key()).json().get("data")).hasSize(1);
  }

  @Test
  void a_wait_for_event_resumes_on_the_matching_event_only_and_its_payload_is_the_output() {
    define(
        "paid",
        """
        {"name": "wait", "kind": "wait_for_event", "event": "payment.received",
         "match": "event.order_id == input.order_id", "timeout": "1h"}""",
        http("ship", "/ship/{{ steps.wait.output.payload.amount }}", "\"depends_on\": [\"wait\"]"));
    String seven = startRun("paid", "{\"order_id\": 7}");
    String eight = startRun("paid", "{\"order_id\": 8}");
    assertThat(steps(run(seven)).get("wait").get("state").asString()).isEqualTo("running");

    // Nothing waits for this name; this one matches neither run's order.
    assertThat(event("payment.refunded", "{\"order_id\": 7}").get("resumed")).isEmpty();
    assertThat(event("payment.received", "{\"order_id\": 9}").get("resumed")).isEmpty();
    // A payload without the field the match reads matches nothing.
    assertThat(event("payment.received", "{}").get("resumed")).isEmpty();

    JsonNode got = event("payment.received", "{\"order_id\": 7, \"amount\": 120}");
    assertThat(got.get("resumed")).hasSize(1);
    assertThat(got.get("resumed").get(0).get("run_id").asString()).isEqualTo(seven);
    JsonNode r = awaitState(seven, "succeeded");
    assertThat(steps(r).get("wait").get("output").get("payload").get("amount").asInt())
        .isEqualTo(120);
    assertThat(target.received().getFirst().path()).isEqualTo("/ship/120");
    assertThat(run(eight).get("state").asString()).isEqualTo("running");
    // The same event again: the run no longer waits; recorded, resumes nothing.
    assertThat(event("payment.received", "{\"order_id\": 7, \"amount\": 120}").get("resumed"))
        .isEmpty();
    assertThat(api.post("/api/v1/events", t.key(), "{\"payload\": {}}").status()).isEqualTo(422);
  }

  @Test
  void a_wait_that_times_out_fails_the_run_or_continues_as_declared() {
    define(
        "strict",
        "{\"name\": \"wait\", \"kind\": \"wait_for_event\", \"event\": \"never\", \"timeout\": \"1s\"}",
        http("after", "/after", "\"depends_on\": [\"wait\"]"));
    JsonNode failed = awaitState(startRun("strict", "{}"), "failed");
    assertThat(failed.get("error").asString()).contains("no event 'never' matched");
    assertThat(steps(failed).get("after").get("state").asString()).isEqualTo("cancelled");

    define(
        "lenient",
        "{\"name\": \"wait\", \"kind\": \"wait_for_event\", \"event\": \"never\", \"timeout\": \"1s\","
            + " \"on_timeout\": \"continue\"}",
        http("after", "/after", "\"depends_on\": [\"wait\"]"));
    JsonNode ok = awaitState(startRun("lenient", "{}"), "succeeded");
    assertThat(steps(ok).get("wait").get("output").get("timed_out").asBoolean()).isTrue();
    assertThat(target.count()).isEqualTo(1);
  }

  @Test
  void secret_headers_are_sealed_at_rest_masked_when_shown_and_sent_in_the_clear() {
    define(
        "secretive",
        http(
            "call",
            "/call",
            "\"headers\": {\"Authorization\": \"Bearer {{ input.token }}\", \"X-Custom\":"
                + " \"s3cret-value\", \"X-Plain\": \"plain\"}, \"secret_headers\": [\"X-Custom\"]"));
    JsonNode shown = api.get("/api/v1/workflows/secretive", t.key()).json().get("definition");
    JsonNode headers = shown.get("steps").get(0).get("headers");
    assertThat(headers.get("Authorization").asString()).isEqualTo("••••••");
    assertThat(headers.get("X-Custom").asString()).isEqualTo("••••••");
    assertThat(headers.get("X-Plain").asString()).isEqualTo("plain");
    assertThat(
            jdbc.sql("SELECT definition::text FROM workflow_versions").query(String.class).list())
        .noneMatch(d -> d.contains("s3cret-value") || d.contains("Bearer"));

    JsonNode r = awaitState(startRun("secretive", "{\"token\": \"tok-1\"}"), "succeeded");
    var got = target.received().getFirst();
    assertThat(got.header("Authorization")).isEqualTo("Bearer tok-1");
    assertThat(got.header("X-Custom")).isEqualTo("s3cret-value");
    String execution = steps(r).get("call").get("execution_id").asString();
    String history = api.get("/api/v1/executions/" + execution, t.key()).body();
    assertThat(history).doesNotContain("s3cret-value").doesNotContain("Bearer tok-1");

    // What GET shows saves again: the masked values keep the current version's.
    var again =
        api.put(
            "/api/v1/workflows/secretive",
            t.key(),
            "{\"steps\": " + shown.get("steps").toString() + "}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    awaitState(startRun("secretive", "{\"token\": \"tok-2\"}"), "succeeded");
    assertThat(target.received().get(1).header("X-Custom")).isEqualTo("s3cret-value");
    assertThat(target.received().get(1).header("Authorization")).isEqualTo("Bearer tok-2");

    var masked =
        api.put(
            "/api/v1/workflows/secretive",
            t.key(),
            "{\"steps\": ["
                + http("call", "/call", "\"headers\": {\"X-Token\": \"••••••\"}")
                + "]}");
    assertThat(masked.status()).as(masked.body()).isEqualTo(422);
    assertThat(masked.body()).contains("steps.call.headers.X-Token");
  }

  @Test
  void a_response_postgresql_cannot_hold_as_jsonb_is_kept_as_text() {
    target.respond(r -> json(200, "{\"a\": \"x\\u0000y\"}"));
    define("nul", http("call", "/call", ""));
    JsonNode r = awaitState(startRun("nul", "{}"), "succeeded");
    assertThat(steps(r).get("call").get("output").get("body").asString()).contains("u0000");
  }

  @Test
  void the_readme_example_is_accepted_and_runs_as_its_run_view_shows() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    int at = readme.indexOf("curl -s -X POST $RL/workflows -H");
    int from = readme.indexOf("-d '", at) + 4;
    String definition =
        readme
            .substring(from, readme.indexOf("}'\n", from) + 1)
            .replaceAll("https://[a-z]+\\.example\\.com", target.url(""));
    target.respond(r -> json(200, r.path().startsWith("/orders/") ? "{\"total\": 1250}" : "{}"));
    var created = api.post("/api/v1/workflows", t.key(), definition);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = startRun("order-paid", "{\"order_id\": 7}");
    Sink.await(
        WITHIN,
        "the run to reach its sleep",
        () -> steps(run(id)).get("later").get("state").asString().equals("running"));
    var s = steps(run(id));
    assertThat(s.get("big").get("decision").get("chosen").toString()).isEqualTo("[\"review\"]");
    assertThat(s.get("ship").get("state").asString()).isEqualTo("skipped");
    assertThat(s.get("ship").get("decision").get("reason").asString())
        .isEqualTo("join all of 1 can no longer be met: big chose the other branch");
    assertThat(target.received().stream().map(Sink.Received::path))
        .containsExactly("/orders/7", "/reviews");
    assertThat(new String(target.received().get(1).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"order\":7,\"total\":1250}");
  }

  @Test
  void input_or_a_payload_postgresql_cannot_store_is_a_422_and_a_send_key_starts_runs_only() {
    define("plain", http("a", "/a", ""));
    var nul =
        api.post("/api/v1/workflows/plain/runs", t.key(), "{\"input\": {\"x\": \"a\\u0000b\"}}");
    assertThat(nul.status()).as(nul.body()).isEqualTo(422);
    assertThat(nul.json().get("errors").get(0).get("field").asString()).isEqualTo("input.x");
    var payload =
        api.post("/api/v1/events", t.key(), "{\"name\": \"e\", \"payload\": {\"\\u0000\": 1}}");
    assertThat(payload.status()).as(payload.body()).isEqualTo(422);
    assertThat(api.get("/api/v1/workflows/plain/runs", t.key()).json().get("data")).isEmpty();

    var made = api.post("/api/v1/api-keys", t.key(), "{\"name\": \"pusher\", \"scope\": \"send\"}");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String send = made.json().get("key").asString();
    var started = api.post("/api/v1/workflows/plain/runs", send, "{\"input\": {}}");
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    assertThat(api.post("/api/v1/events", send, "{\"name\": \"e\"}").status()).isEqualTo(202);
    String run = started.json().get("id").asString();
    refusedBySendScope(api.get("/api/v1/workflow-runs/" + run, send));
    refusedBySendScope(api.post("/api/v1/workflow-runs/" + run + "/cancel", send, "{}"));
    refusedBySendScope(api.post("/api/v1/workflows", send, "{}"));
    awaitState(run, "succeeded");
  }

  @Test
  void a_failed_step_runs_its_compensation_alone_then_fails_the_run() {
    java.util.Set<String> failing = new java.util.concurrent.CopyOnWriteArraySet<>();
    failing.add("/charge");
    target.respond(r -> json(failing.contains(r.path()) ? 500 : 200, "{}"));
    define(
        "refund",
        http("reserve", "/reserve", ""),
        http(
            "charge",
            "/charge",
            "\"depends_on\": [\"reserve\"], \"on_failure\": {\"compensate\": \"release\"}"),
        http("ship", "/ship", "\"depends_on\": [\"charge\"]"),
        http("release", "/release/{{ input.order }}", ""));
    JsonNode r = awaitState(startRun("refund", "{\"order\": 7}"), "failed");
    assertThat(r.get("error").asString())
        .isEqualTo("step charge failed: HTTP 500; compensated by release");
    var s = steps(r);
    assertThat(s.get("release").get("state").asString()).isEqualTo("succeeded");
    assertThat(s.get("ship").get("state").asString()).isEqualTo("cancelled");
    assertThat(target.received().stream().map(Sink.Received::path))
        .containsExactly("/reserve", "/charge", "/release/7");

    failing.add("/release/8");
    JsonNode both = awaitState(startRun("refund", "{\"order\": 8}"), "failed");
    assertThat(both.get("error").asString())
        .isEqualTo("step charge failed: HTTP 500; its compensation release failed too: HTTP 500");

    failing.clear();
    JsonNode ok = awaitState(startRun("refund", "{\"order\": 9}"), "succeeded");
    assertThat(steps(ok).get("release").get("state").asString()).isEqualTo("skipped");
    assertThat(steps(ok).get("release").get("decision").get("reason").asString())
        .isEqualTo("no step it compensates failed");
  }

  @Test
  void a_cancel_ends_a_run_awaiting_an_event_at_once_and_one_with_a_request_in_flight_after_it() {
    define(
        "waits",
        "{\"name\": \"wait\", \"kind\": \"wait_for_event\", \"event\": \"go\"}",
        http("after", "/after", "\"depends_on\": [\"wait\"]"));
    String waiting = startRun("waits", "{}");
    var cancelled = api.post("/api/v1/workflow-runs/" + waiting + "/cancel", t.key(), "{}");
    assertThat(steps(cancelled.json()).get("wait").get("state").asString()).isEqualTo("cancelled");
    assertThat(event("go", "{}").get("resumed")).isEmpty();

    java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    target.respond(
        r -> {
          if (r.path().equals("/slow")) {
            inFlight.countDown();
            try {
              release.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return json(200, "{}");
        });
    define("busy", http("slow", "/slow", ""), http("next", "/next", "\"depends_on\": [\"slow\"]"));
    String id = startRun("busy", "{}");
    Sink.await(WITHIN, "the request to be in flight", () -> inFlight.getCount() == 0);
    var stopped = api.post("/api/v1/workflow-runs/" + id + "/cancel", t.key(), "{}");
    assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
    assertThat(stopped.json().get("state").asString()).isEqualTo("cancelling");
    assertThat(steps(stopped.json()).get("slow").get("state").asString()).isEqualTo("running");
    assertThat(steps(stopped.json()).get("next").get("state").asString()).isEqualTo("cancelled");
    release.countDown();
    // The request in flight finishes and is recorded (on_cancel: finish); then the run ends.
    JsonNode r = awaitState(id, "cancelled");
    assertThat(steps(r).get("slow").get("state").asString()).isEqualTo("succeeded");
    assertThat(steps(r).get("next").get("state").asString()).isEqualTo("cancelled");
    assertThat(target.received().stream().map(Sink.Received::path)).containsExactly("/slow");
  }

  static void refusedBySendScope(eu.runlater.support.Api.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.json().get("type").asString()).endsWith("api-key-scope");
  }
}
