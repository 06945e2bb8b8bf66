package eu.runlater.engine;

import java.time.Instant;

/**
 * The result of one attempt, on its way to the database: the task goes away (when {@code retryAt}
 * is null) or back to ready at {@code retryAt}, and the execution is appended, in one transaction,
 * if the attempt still holds its lease.
 */
public record Completion(ClaimedTask task, ExecutionRecord execution, Instant retryAt) {
  public boolean terminal() {
    return retryAt == null;
  }
}
