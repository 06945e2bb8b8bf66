package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code concurrency: {key, limit}}: runs over the limit wait {@code queued} and start, oldest
 * first, when a run of the same key ends; other keys are not held; a queued run cancels; and runs
 * ending on several threads at once never let more than the limit run.
 */
class WorkflowConcurrencyTest extends WorkflowApiTest {
  @Autowired DataSource dataSource;

  @Test
  void with_limit_one_runs_of_a_key_start_one_after_another_and_other_keys_are_not_held() {
    holdRequests();
    defineWith(
        "per_customer",
        "\"concurrency\": {\"key\": \"{{ input.customer }}\", \"limit\": 1}",
        http("work", "/held/{{ input.customer }}", ""));
    String a1 = startRun("per_customer", "{\"customer\": \"a\"}");
    String a2 = startRun("per_customer", "{\"customer\": \"a\"}");
    String a3 = startRun("per_customer", "{\"customer\": \"a\"}");
    String b1 = startRun("per_customer", "{\"customer\": \"b\"}");

    assertThat(state(a1)).isEqualTo("running");
    assertThat(state(a2)).isEqualTo("queued");
    assertThat(state(a3)).isEqualTo("queued");
    assertThat(steps(run(a2)).get("work").get("state").asString()).isEqualTo("pending");
    assertThat(state(b1)).as("another key is not held").isEqualTo("running");
    awaitRequests("/held/b", 1);
    awaitRequests("/held/a", 1);
    var queued = api.get("/api/v1/workflows/per_customer/runs?state=queued", t.key()).json();
    assertThat(queued.get("data")).hasSize(2);

    gate.release(2); // a1 and b1 answer; a1's end starts a2
    awaitState(b1, "succeeded");
    awaitState(a1, "succeeded");
    awaitRequests("/held/a", 2);
    assertThat(state(a2)).isEqualTo("running");
    assertThat(state(a3)).isEqualTo("queued");

    gate.release(2);
    awaitState(a3, "succeeded");
    assertThat(runIdsOf("/held/a")).containsExactly(a1, a2, a3);
    assertThat(maxInFlight.get()).isEqualTo(2); // one of a, one of b
  }

  @Test
  void a_queued_run_cancels_and_the_next_one_takes_its_turn() {
    holdRequests();
    defineWith(
        "whole",
        "\"concurrency\": {\"limit\": 1}",
        http("work", "/held/w", ""),
        http("x", "/x", ""));
    String first = startRun("whole", "{}");
    String second = startRun("whole", "{}");
    String third = startRun("whole", "{}");
    assertThat(state(second)).isEqualTo("queued");

    var cancelled = api.post("/api/v1/workflow-runs/" + second + "/cancel", t.key(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("state").asString()).isEqualTo("cancelled");
    assertThat(steps(cancelled.json()).get("work").get("state").asString()).isEqualTo("cancelled");
    assertThat(state(third)).as("a queued run leaving frees no slot").isEqualTo("queued");

    gate.release(2);
    awaitState(first, "succeeded");
    awaitState(third, "succeeded");
    assertThat(runIdsOf("/held/w")).containsExactly(first, third);
    assertThat(state(second)).isEqualTo("cancelled");
  }

  @Test
  void a_child_run_over_its_limit_waits_queued_and_its_parents_cancel_cancels_it() {
    holdRequests();
    defineWith("child", "\"concurrency\": {\"limit\": 1}", http("work", "/held/child", ""));
    define("parent", "{\"name\": \"sub\", \"kind\": \"workflow\", \"workflow\": \"child\"}");
    String p1 = startRun("parent", "{}");
    String p2 = startRun("parent", "{}");
    String c1 = steps(run(p1)).get("sub").get("decision").get("run_id").asString();
    String c2 = steps(run(p2)).get("sub").get("decision").get("run_id").asString();
    awaitRequests("/held/child", 1);
    assertThat(state(c1)).isEqualTo("running");
    assertThat(state(c2)).isEqualTo("queued");

    var cancelled = api.post("/api/v1/workflow-runs/" + p2 + "/cancel", t.key(), "{}");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("state").asString()).isEqualTo("cancelled");
    assertThat(state(c2)).isEqualTo("cancelled");

    gate.release();
    awaitState(p1, "succeeded");
    assertThat(state(c1)).isEqualTo("succeeded");
    assertThat(state(c2)).isEqualTo("cancelled");
    assertThat(runIdsOf("/held/child")).containsExactly(c1);
  }

  @Test
  void a_cancel_waits_for_its_runs_lock_holding_no_key_an_outcome_transaction_then_takes()
      throws Exception {
    holdRequests();
    defineWith("locked", "\"concurrency\": {\"limit\": 1}", http("work", "/held/l", ""));
    String first = startRun("locked", "{}");
    String second = startRun("locked", "{}");
    awaitRequests("/held/l", 1);
    UUID workflow = workflowId("locked");

    // As the engine's outcome transaction does when a step's end ends its run: the run's lock,
    // then the key's. A cancel of that run must wait for the first holding nothing of the second.
    try (Connection outcome = dataSource.getConnection()) {
      outcome.setAutoCommit(false);
      try (var st = outcome.createStatement()) {
        st.execute("SET LOCAL lock_timeout = '10s'");
        st.execute("SELECT 1 FROM workflow_runs WHERE id = '" + first + "' FOR UPDATE");
      }
      CompletableFuture<Integer> cancel =
          CompletableFuture.supplyAsync(
              () -> api.post("/api/v1/workflow-runs/" + first + "/cancel", t.key(), "{}").status());
      Sink.await(WITHIN, "the cancel to wait for the run's lock", () -> waitingForRuns() == 1);
      String keyLock =
          ConcurrencyQueries.CONCURRENCY_LOCK.replace(":workflow_id", "?").replace(":key", "?");
      try (var st = outcome.prepareStatement(keyLock)) {
        st.setObject(1, workflow);
        st.setString(2, "");
        st.executeQuery().close(); // a deadlock ends one of the two here, after a second
      }
      outcome.commit();
      assertThat(cancel.get(WITHIN.toSeconds(), TimeUnit.SECONDS)).isEqualTo(200);
    }
    assertThat(state(first)).isEqualTo("cancelling"); // its request is still in flight
    gate.release(2);
    awaitState(first, "cancelled");
    awaitState(second, "succeeded");
  }

  @Test
  void an_admission_passes_over_a_queued_run_another_transaction_holds() throws Exception {
    holdRequests();
    defineWith("skipping", "\"concurrency\": {\"limit\": 1}", http("work", "/held/s", ""));
    String first = startRun("skipping", "{}");
    String second = startRun("skipping", "{}");
    String third = startRun("skipping", "{}");
    awaitRequests("/held/s", 1);

    // The second is held, as by a cancel of it in flight: the first's end starts the third at
    // once instead of waiting for that lock while it holds the key's.
    try (Connection canceller = dataSource.getConnection()) {
      canceller.setAutoCommit(false);
      try (var st = canceller.createStatement()) {
        st.execute("SELECT 1 FROM workflow_runs WHERE id = '" + second + "' FOR UPDATE");
      }
      gate.release();
      awaitState(first, "succeeded");
      awaitRequests("/held/s", 2);
      assertThat(state(third)).isEqualTo("running");
      assertThat(state(second)).isEqualTo("queued");
      canceller.rollback();
    }
    gate.release(2);
    awaitState(second, "succeeded");
    assertThat(runIdsOf("/held/s")).containsExactly(first, third, second);
  }

  private UUID workflowId(String key) {
    return jdbc.sql("SELECT id FROM workflows WHERE key = :k AND organization_id = :o")
        .param("k", key)
        .param("o", t.id())
        .query(UUID.class)
        .single();
  }

  private long waitingForRuns() {
    return jdbc.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%FOR UPDATE OF r%'")
        .query(Long.class)
        .single();
  }

  @Test
  void runs_ending_on_several_threads_at_once_never_let_more_than_the_limit_run() throws Exception {
    int limit = 3;
    int runs = 40;
    target.respond(r -> json(200, "{}").after(Duration.ofMillis(20)));
    defineWith(
        "crowd",
        "\"concurrency\": {\"key\": \"all\", \"limit\": " + limit + "}",
        http("one", "/one", ""),
        http("two", "/two", "\"depends_on\": [\"one\"]"));
    UUID workflow = workflowId("crowd");
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicInteger maxRunning = new AtomicInteger();
    CompletableFuture<Void> sampler =
        CompletableFuture.runAsync(
            () -> {
              while (sampling.get()) {
                int n =
                    jdbc.sql(
                            "SELECT count(*) FROM workflow_runs WHERE workflow_id = :w"
                                + " AND state IN ('running', 'cancelling')")
                        .param("w", workflow)
                        .query(Integer.class)
                        .single();
                maxRunning.accumulateAndGet(n, Math::max);
                maxInFlight.accumulateAndGet(target.inFlight(), Math::max);
              }
            });
    List<String> ids = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<CompletableFuture<String>> started = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        started.add(CompletableFuture.supplyAsync(() -> startRun("crowd", "{}"), pool));
      }
      for (var f : started) {
        ids.add(f.get(60, TimeUnit.SECONDS));
      }
      // Ends on API threads too: every fourth run is cancelled, queued or running, at once.
      List<CompletableFuture<Integer>> cancels = new ArrayList<>();
      for (int i = 0; i < runs; i += 4) {
        String id = ids.get(i);
        cancels.add(
            CompletableFuture.supplyAsync(
                () -> api.post("/api/v1/workflow-runs/" + id + "/cancel", t.key(), "{}").status(),
                pool));
      }
      for (var f : cancels) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isIn(200, 409);
      }
    }
    for (String id : ids) {
      Sink.await(Duration.ofSeconds(60), "run " + id, () -> !OPEN.contains(state(id)));
    }
    sampling.set(false);
    sampler.get(10, TimeUnit.SECONDS);
    assertThat(maxRunning.get()).isBetween(1, limit);
    // A cancelled run keeps its slot while its request is in flight (on_cancel: finish).
    assertThat(maxInFlight.get()).isBetween(1, limit);
    long succeeded = ids.stream().filter(id -> state(id).equals("succeeded")).count();
    assertThat(succeeded).isGreaterThanOrEqualTo(runs - runs / 4);
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM workflow_runs WHERE workflow_id = :w AND state = 'queued'")
                .param("w", workflow)
                .query(Integer.class)
                .single())
        .isZero();
  }
}
