package eu.runlater.bench;

import org.jobrunr.jobs.annotations.Job;

/** What the JobRunr peer's jobs run: a report that succeeds, and one that fails without retries. */
public final class JobRunrWork {
  private JobRunrWork() {}

  public static void report(int n) {
    // done
  }

  @Job(retries = 0)
  public static void failingReport(int n) {
    throw new IllegalStateException("report " + n + " failed (on purpose)");
  }
}
