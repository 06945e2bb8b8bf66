package eu.runlater.executions;

import java.util.Set;

/** Which execution statuses mean what, for every page and query that sums them up. */
public final class ExecutionStatuses {
  private ExecutionStatuses() {}

  /**
   * The statuses of a failed attempt, as an SQL list for {@code status IN …}: an error answer or
   * none ({@code failed}), too slow ({@code timeout}), a target refused ({@code blocked}) and a run
   * whose node died ({@code lost}). Missed, skipped and cancelled occurrences sent nothing and
   * count as neither success nor failure.
   */
  public static final String FAILED = "('failed', 'timeout', 'blocked', 'lost')";

  /** Every status an execution can have, for filters that name one. */
  public static final Set<String> ALL =
      Set.of("success", "failed", "timeout", "blocked", "lost", "missed", "skipped", "cancelled");
}
