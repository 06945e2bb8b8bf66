package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.workflows.RunAdvancer.LockedRun;
import eu.runlater.workflows.RunAdvancer.StepRow;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The step batch locks its runs and reads their steps in one round trip, yet as two statements: a
 * batch that waited for a run's lock sees the steps as the lock's holder committed them. One
 * statement would read them from a snapshot taken before its wait.
 */
class StepBatchLockTest extends WorkflowApiTest {
  @Autowired DataSource dataSource;

  @Test
  void a_batch_that_waited_for_a_runs_lock_reads_the_steps_its_holder_committed() throws Exception {
    define("slow", "{\"name\": \"nap\", \"kind\": \"sleep\", \"duration\": \"1h\"}");
    UUID run = UUID.fromString(startRun("slow", "{}"));

    try (Connection holder = dataSource.getConnection();
        Connection batch = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      batch.setAutoCommit(false);
      try (var st = holder.createStatement()) {
        st.execute("SELECT 1 FROM workflow_runs WHERE id = '" + run + "' FOR UPDATE");
        st.executeUpdate(
            "UPDATE workflow_run_steps SET error = 'written under the lock' WHERE run_id = '"
                + run
                + "'");
      }
      Map<UUID, LockedRun> runs = new HashMap<>();
      Map<UUID, Map<String, StepRow>> steps = new HashMap<>();
      CompletableFuture<Void> read =
          CompletableFuture.runAsync(
              () -> {
                try {
                  StepBatch.lockAndRead(batch, new UUID[] {run}, runs, steps);
                } catch (java.sql.SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      Sink.await(
          WITHIN,
          "the batch to wait for the run's lock",
          () ->
              jdbc.sql(
                          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                              + " AND query LIKE '%FOR UPDATE OF r%'")
                      .query(Long.class)
                      .single()
                  == 1);
      assertThat(read).isNotDone();
      holder.commit();

      read.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
      batch.rollback();
      assertThat(runs).containsKey(run);
      assertThat(steps.get(run).get("nap").error()).isEqualTo("written under the lock");
    }
  }
}
