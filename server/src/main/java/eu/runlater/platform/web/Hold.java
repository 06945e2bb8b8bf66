package eu.runlater.platform.web;

import java.time.Instant;

/**
 * Why a run or a delivery waits past its time, in the words every page shows for it (the jobs list,
 * a job's page and timeline, an execution, a message, a queue, Home and the runs log): what holds
 * it, since when, until when if that is known, and the page where it can be acted on.
 *
 * @param kind what holds it: {@code host_circuit}, {@code host_throttle}, {@code organization_cap},
 *     {@code queue_paused}, {@code queue_parallelism}, {@code queue_rate}, {@code ordering_key},
 *     {@code job_paused}, {@code over_quota}, {@code missed} (catch-up policy), {@code lost} (its
 *     node died) or {@code backlog} (due, no hold known: waiting for a worker)
 * @param summary one sentence, e.g. "Held: the circuit to api.example.com:443 is open"
 * @param detail more, or null: the last error, the cap, the next probe
 * @param since when the hold began, or null
 * @param until when it ends or is tried again (next probe, end of a throttle), or null
 * @param href the page to act on it (a host, a queue, the job), or null
 */
public record Hold(
    String kind, String summary, String detail, Instant since, Instant until, String href) {

  public Hold {
    if (kind == null || kind.isBlank() || summary == null || summary.isBlank()) {
      throw new IllegalArgumentException("a hold needs a kind and a summary");
    }
  }

  public static Hold of(String kind, String summary) {
    return new Hold(kind, summary, null, null, null, null);
  }

  public Hold withDetail(String detail) {
    return new Hold(kind, summary, detail, since, until, href);
  }

  public Hold between(Instant since, Instant until) {
    return new Hold(kind, summary, detail, since, until, href);
  }

  public Hold linking(String href) {
    return new Hold(kind, summary, detail, since, until, href);
  }
}
