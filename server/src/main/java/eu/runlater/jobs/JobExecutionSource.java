package eu.runlater.jobs;

import eu.runlater.engine.TaskRequest;
import eu.runlater.executions.Execution;
import eu.runlater.executions.ExecutionSource;
import eu.runlater.platform.errors.ApiProblem;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Jobs as the history sees them: a job's page owns its executions, and a retry runs the job. */
@Component
class JobExecutionSource implements ExecutionSource {
  private final JobReads reads;
  private final JobCommands commands;

  JobExecutionSource(JobReads reads, JobCommands commands) {
    this.reads = reads;
    this.commands = commands;
  }

  @Override
  public String kind() {
    return JobTasks.SOURCE_KIND;
  }

  /** The job, its page, and the zone of a cron job (UTC otherwise). */
  @Override
  public Optional<Owner> owner(UUID organizationId, UUID sourceId) {
    return reads
        .find(organizationId, sourceId)
        .map(
            job ->
                new Owner(
                    job.id(),
                    job.name(),
                    "/jobs/" + job.id(),
                    job.schedule() instanceof Schedule.Cron c ? c.zone().getId() : "UTC",
                    List.of(new Crumb("Jobs", "/jobs"), new Crumb(job.name(), "/jobs/" + job.id())),
                    new Crumb("Job history", "/jobs/" + job.id() + "#history")));
  }

  /** A new run of the job with the recorded request, and the job's current timeout. */
  @Override
  public UUID resend(UUID organizationId, UUID sourceId, Execution.Request r) {
    Job job =
        reads
            .find(organizationId, sourceId)
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "job-deleted",
                        "The job of this execution was deleted; create it again to run it."));
    return commands.resend(
        job,
        new TaskRequest(
            r.url(),
            r.method(),
            r.headers(),
            r.sealedHeaders(),
            r.body(),
            r.bodySealed(),
            job.request().timeoutMs()));
  }
}
