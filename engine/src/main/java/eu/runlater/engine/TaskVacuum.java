package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums the tasks table as it churns, from the leader's maintenance pass (about once a second).
 *
 * <p>Every delivery inserts a task, updates it (the claim) and deletes it (the completion), and no
 * write of a task is a HOT update, so each leaves entries in the indexes that outlive the row until
 * a vacuum removes them. Autovacuum looks at a database at most once a minute (its naptime); in a
 * minute at a few thousand deliveries a second, the running-only lease index, which holds at most a
 * few hundred live entries, gathers a hundred thousand dead ones, and every claim (its count of
 * running tasks per organization), every rescue and every hand-over scans them, a bitmap scan
 * visiting each one's heap page: measured on 2026-12-03, a claim read 1,700 buffers for 50 tasks,
 * and the claim's time per task grew with the drain. Vacuumed whenever a thousand dead rows have
 * gathered, the indexes stay about as small as the live set.
 *
 * <p>{@code SKIP_LOCKED}: a vacuum already running (autovacuum's, or one a manual command started)
 * is left to finish, not waited for. A role that does not own the table gets a warning from
 * PostgreSQL and nothing is vacuumed; autovacuum still does it, later.
 */
final class TaskVacuum {
  private static final Logger log = LoggerFactory.getLogger(TaskVacuum.class);

  /** Dead rows in the tasks table that make the next maintenance pass vacuum it. */
  static final long DEAD_ROWS = 1_000;

  private final Db db;
  private final AtomicBoolean running = new AtomicBoolean();

  TaskVacuum(Db db) {
    this.db = db;
  }

  /**
   * Starts a vacuum of the tasks table on a thread of its own when enough dead rows have gathered
   * and none of these is running; completes with whether it vacuumed. The leader's pass does not
   * wait for it: on a large table a vacuum takes seconds, and the same pass hands a dead node's
   * tasks on.
   */
  CompletableFuture<Boolean> runOnce() throws SQLException {
    long dead =
        db.withConnection(
                c -> Db.query(c, TaskQueries.TASK_DEAD_ROWS, Db.Params.of(), rs -> rs.getLong(1)))
            .getFirst();
    if (dead < DEAD_ROWS || !running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("runlater-task-vacuum")
        .start(
            () -> {
              boolean vacuumed = false;
              try {
                vacuum(dead);
                vacuumed = true;
              } catch (SQLException | RuntimeException e) {
                log.warn("Vacuuming the tasks table failed; autovacuum will do it later", e);
              } finally {
                running.set(false);
                done.complete(vacuumed);
              }
            });
    return done;
  }

  private void vacuum(long dead) throws SQLException {
    long started = System.nanoTime();
    db.withConnection(
        c -> {
          try (Statement st = c.createStatement()) {
            // Not a prepared statement: VACUUM cannot run inside the transaction block the
            // extended protocol may open.
            st.execute(TaskQueries.TASK_VACUUM);
          }
          return null;
        });
    log.debug(
        "Vacuumed the tasks table ({} dead rows) in {} ms",
        dead,
        (System.nanoTime() - started) / 1_000_000);
  }
}
