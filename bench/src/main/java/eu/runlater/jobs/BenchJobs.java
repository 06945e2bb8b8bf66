package eu.runlater.jobs;

import java.time.InstantSource;
import java.util.UUID;
import org.springframework.context.ApplicationContext;

/**
 * The benchmark's way in to job creation: what {@code POST /api/v1/jobs} does ({@link
 * JobValidator#validate}, then {@link Jobs#create} in its transaction, which enqueues the first run
 * through the engine), without HTTP, security and the response view.
 *
 * <p>It sits in the server's package because the validated draft is package-private. On the class
 * path the bench's and the server's classes share one class loader, so they share the package.
 */
public final class BenchJobs {
  private final JobValidator validator;
  private final Jobs jobs;
  private final InstantSource clock;

  public BenchJobs(ApplicationContext context) {
    this.validator = context.getBean(JobValidator.class);
    this.jobs = context.getBean(Jobs.class);
    this.clock = context.getBean(InstantSource.class);
  }

  /** Creates a job as the API would; its id. */
  public UUID create(UUID organizationId, JobInput input) {
    return jobs.create(organizationId, validator.validate(input, clock.instant())).id();
  }
}
