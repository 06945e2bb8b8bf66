package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Many runs advancing at once go through the set-based path ({@link StepBatch}), and what it
 * records is what the per-run path records: each step's output, attempts and execution, the next
 * step's request rendered from them, the run's end. Outcomes it does not take (here a failure) go
 * one run at a time in the same batches, and the two kinds do not disturb each other.
 */
class WorkflowStepBatchTest extends WorkflowApiTest {
  private static final int RUNS = 80;
  private static final int FAILING = 10;

  @Autowired MeterRegistry meters;

  @Test
  void many_runs_advance_together_and_a_failure_among_them_takes_the_per_run_path() {
    AtomicInteger numbers = new AtomicInteger(1000);
    target.respond(
        r -> {
          if (r.path().startsWith("/a")) {
            return json(200, "{\"n\": " + numbers.incrementAndGet() + "}");
          }
          if (r.path().startsWith("/b/") && "yes".equals(r.header("X-Bad"))) {
            return json(500, "{}");
          }
          return json(200, "{\"path\": \"" + r.path() + "\"}");
        });
    define(
        "batched",
        http("a", "/a", ""),
        http(
            "b",
            "/b/{{ steps.a.output.body.n }}",
            "\"depends_on\": [\"a\"], \"method\": \"POST\", \"retries\": 0, \"headers\": {\"X-Bad\":"
                + " \"{{ input.bad }}\"}, \"body\": {\"n\": \"{{ steps.a.output.body.n }}\","
                + " \"who\": \"{{ input.who }}\"}"),
        http(
            "c", "/c", "\"depends_on\": [\"b\"], \"body\": \"after {{ steps.b.output.status }}\""));
    double batchBefore = counter("batch");
    double perRunBefore = counter("per_run");
    long[] writesBefore = stepWrites();

    List<String> ids = new ArrayList<>();
    Set<String> failing = new HashSet<>();
    for (int i = 0; i < RUNS; i++) {
      boolean bad = i < FAILING;
      String id =
          startRun(
              "batched",
              bad ? "{\"who\": \"w" + i + "\", \"bad\": \"yes\"}" : "{\"who\": \"w" + i + "\"}");
      ids.add(id);
      if (bad) {
        failing.add(id);
      }
    }
    Sink.await(
        WITHIN.multipliedBy(2),
        "every run ended",
        () -> ids.stream().noneMatch(id -> run(id).get("state").asString().equals("running")));

    int good = RUNS - FAILING;
    assertThat(target.count()).as(run(ids.getLast()).toString()).isEqualTo(good * 3 + FAILING * 2);
    Map<String, Map<String, Sink.Received>> byRun = new HashMap<>();
    Set<String> keys = new HashSet<>();
    for (Sink.Received r : target.received()) {
      String step = r.path().substring(1, 2);
      byRun.computeIfAbsent(r.header("Runlater-Run-Id"), k -> new HashMap<>()).put(step, r);
      assertThat(keys.add(r.header("Idempotency-Key"))).as("one request per step").isTrue();
    }
    Set<String> executions = new HashSet<>();
    for (int i = 0; i < RUNS; i++) {
      String id = ids.get(i);
      JsonNode run = run(id);
      var s = steps(run);
      var requests = byRun.get(id);
      String n = s.get("a").get("output").get("body").get("n").asString();
      assertThat(requests.get("b").path()).isEqualTo("/b/" + n);
      assertThat(new String(requests.get("b").body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"n\":" + n + ",\"who\":\"w" + i + "\"}");
      assertThat(s.get("a").get("attempts").asInt()).isEqualTo(1);
      assertThat(s.get("b").get("attempts").asInt()).isEqualTo(1);
      executions.add(s.get("a").get("execution_id").asString());
      executions.add(s.get("b").get("execution_id").asString());
      if (failing.contains(id)) {
        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(run.get("error").asString()).contains("step b failed").contains("HTTP 500");
        assertThat(s.get("c").get("state").asString()).isEqualTo("cancelled");
        assertThat(requests).doesNotContainKey("c");
      } else {
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(s.get("c").get("state").asString()).isEqualTo("succeeded");
        assertThat(new String(requests.get("c").body(), StandardCharsets.UTF_8))
            .isEqualTo("after 200");
        assertThat(s.get("c").get("output").get("body").get("path").asString()).isEqualTo("/c");
        assertThat(java.time.Instant.parse(s.get("c").get("started_at").asString()))
            .isAfterOrEqualTo(java.time.Instant.parse(s.get("b").get("finished_at").asString()));
        executions.add(s.get("c").get("execution_id").asString());
        assertThat(run.get("finished_at").isNull()).isFalse();
      }
    }
    assertThat(executions).hasSize(good * 3 + FAILING * 2);
    // Every plain outcome went set-based; the failures (one each) went one run at a time.
    assertThat(counter("batch") - batchBefore).isEqualTo(good * 3 + FAILING);
    assertThat(counter("per_run") - perRunBefore).isEqualTo(FAILING);

    // A step's writes change no indexed column (V11; its task's id was given with its row), so
    // PostgreSQL makes them in place on the row's page, adding no index entry (HOT updates), where
    // every write used to add one to each index; not where a page is full.
    int writes = good * 6 + FAILING * 5;
    int inPlace = writes;
    Sink.await(
        WITHIN.multipliedBy(2),
        "the statistics count the steps' writes",
        () -> stepWrites()[0] - writesBefore[0] >= writes);
    long[] after = stepWrites();
    assertThat(after[1] - writesBefore[1])
        .as("updates %d, HOT %d", after[0] - writesBefore[0], after[1] - writesBefore[1])
        .isGreaterThanOrEqualTo(inPlace * 3 / 4);
  }

  /** {@code workflow_run_steps}' updates and, of them, HOT updates, as the statistics have them. */
  private long[] stepWrites() {
    return jdbc.sql(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                + " WHERE relname = 'workflow_run_steps'")
        .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
        .single();
  }

  private double counter(String path) {
    var c = meters.find("runlater.workflow.step.outcomes").tag("path", path).counter();
    return c == null ? 0 : c.count();
  }
}
