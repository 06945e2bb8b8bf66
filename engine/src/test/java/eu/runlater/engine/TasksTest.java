package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Removing and re-stamping single tasks in the caller's transaction. */
class TasksTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void deleting_a_waiting_task_says_when_it_was_due_and_what_it_stood_for() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    Instant due = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    NewTask task = fixture.task("http://127.0.0.1:9/", due);
    fixture.insert(engine, List.of(task));

    var removed =
        fixture.db.inTransaction(
            c -> engine.tasks().deleteWaiting(c, EngineFixture.ORG, task.id()));

    assertThat(removed).contains(new Tasks.Removed(due, due));
    assertThat(fixture.count("SELECT count(*) FROM tasks")).isZero();
  }

  @Test
  void a_running_task_another_organizations_task_and_a_missing_one_are_left_alone()
      throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    NewTask running = fixture.task("http://127.0.0.1:9/running");
    NewTask waiting = fixture.task("http://127.0.0.1:9/waiting");
    fixture.insert(engine, List.of(running, waiting));
    fixture.count(
        "WITH u AS (UPDATE tasks SET state = 'running' WHERE id = '"
            + running.id()
            + "' RETURNING 1) SELECT count(*) FROM u");
    UUID otherOrganization = UUID.fromString("0190c0de-0000-7000-8000-00000000000b");

    fixture.db.inTransaction(
        c -> {
          assertThat(engine.tasks().deleteWaiting(c, EngineFixture.ORG, running.id())).isEmpty();
          assertThat(engine.tasks().deleteWaiting(c, otherOrganization, waiting.id())).isEmpty();
          assertThat(engine.tasks().deleteWaiting(c, EngineFixture.ORG, UUID.randomUUID()))
              .isEmpty();
          return null;
        });

    assertThat(fixture.count("SELECT count(*) FROM tasks")).isEqualTo(2);
  }

  @Test
  void a_claimed_task_can_be_restamped_with_the_occurrence_it_runs_for() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    NewTask task = fixture.task("http://127.0.0.1:9/");
    fixture.insert(engine, List.of(task));
    Instant occurrence = Instant.parse("2026-01-01T10:00:00Z");

    fixture.db.inTransaction(
        c -> {
          engine.tasks().setScheduledFor(c, task.id(), occurrence);
          return null;
        });

    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE scheduled_for = '2026-01-01T10:00:00Z'"
                    + " AND id = '"
                    + task.id()
                    + "'"))
        .isEqualTo(1);
  }
}
