package eu.runlater.jobs;

import java.time.InstantSource;
import java.util.UUID;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's way in to job creation: what {@code POST /api/v1/jobs} does ({@link
 * JobValidator#validate}, then {@link JobCommands#create} in its transaction, which enqueues the
 * first run through the engine), without HTTP, security and the response view.
 *
 * <p>It sits in the server's package because the validated draft is package-private. On the class
 * path the bench's and the server's classes share one class loader, so they share the package.
 */
public final class BenchJobs {
  private final JobValidator validator;
  private final JobCommands jobs;
  private final InstantSource clock;

  public BenchJobs(ApplicationContext context) {
    this.validator = context.getBean(JobValidator.class);
    this.jobs = context.getBean(JobCommands.class);
    this.clock = context.getBean(InstantSource.class);
  }

  /**
   * Creates an enabled cron job as the API would (a POST with {@code body}, or none), keyed when
   * {@code key} is given; its id.
   */
  public UUID createCron(
      UUID organizationId,
      String name,
      String key,
      String url,
      JsonNode body,
      String expression,
      String timezone) {
    return createCron(organizationId, name, key, url, body, expression, timezone, null);
  }

  /** As above, with the number of retries after a failed attempt (null: the default). */
  public UUID createCron(
      UUID organizationId,
      String name,
      String key,
      String url,
      JsonNode body,
      String expression,
      String timezone,
      Integer retries) {
    JobInput input =
        new JobInput(
            name,
            key,
            url,
            "POST",
            null,
            null,
            body,
            null,
            null,
            retries,
            new JobInput.ScheduleInput("cron", null, null, expression, timezone),
            true,
            null,
            null,
            null);
    return jobs.create(organizationId, validator.validate(input, clock.instant())).id();
  }
}
