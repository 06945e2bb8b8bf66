package eu.runlater.jobs;

import eu.runlater.organizations.Tier;
import eu.runlater.platform.database.GroupCommit;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Jobs created by {@code POST /api/v1/jobs}, answered only once the job and its first run
 * committed. Creates arriving together share a transaction and its commit ({@link GroupCommit}):
 * each is validated and prepared on its request's thread (a bad one is a 4xx that never reaches the
 * database), then a batch inserts them with one statement for their tasks and one for the jobs
 * ({@link JobCommands#insertAll}). The tier's job limit is counted under the organization's lock,
 * so concurrent creates never overshoot it, and a create over it is refused alone. A batch that
 * fails (a stored-bytes cap, a duplicate key) is written again job by job, so a create that cannot
 * be stored fails only itself.
 *
 * <p>A create inside a transaction already (an {@code Idempotency-Key}'s request: its record
 * commits with the job) is inserted in that transaction instead.
 */
@Component
class JobCreates {
  /**
   * Up to 128 creates a transaction, two transactions at a time (one collects while the other
   * commits), 2,048 waiting; more are answered 503 and stored nowhere.
   */
  static final GroupCommit.Settings GROUP_COMMIT = new GroupCommit.Settings(128, 2048, 2);

  private final JobCommands commands;
  private final GroupCommit<JobCommands.Prepared, JobCommands.Created> writes;

  JobCreates(JobCommands commands, PlatformTransactionManager transactions, MeterRegistry meters) {
    this.commands = commands;
    this.writes =
        new GroupCommit<>(
            "job-create",
            new TransactionTemplate(transactions),
            commands::insertAll,
            one -> commands.insertAll(List.of(one)).getFirst(),
            GROUP_COMMIT,
            meters);
  }

  /**
   * Creates a job and answers, once it committed (see the class comment), the job as inserted with
   * its first run's state as the insert planned it ({@link JobCommands#asInserted}) and whether the
   * insert left it so ({@link JobCommands.Created#asPlanned}); a refusal is thrown. {@code tier} is
   * the organization's as the caller's key was verified with ({@link
   * eu.runlater.platform.security.ApiPrincipal#tier()}), or null to read it.
   */
  JobCommands.Created create(UUID organizationId, String tier, JobDraft draft) {
    JobCommands.Prepared prepared =
        tier == null
            ? commands.prepare(organizationId, draft)
            : commands.prepare(organizationId, Tier.of(tier), draft);
    JobCommands.Created created =
        TransactionSynchronizationManager.isActualTransactionActive()
            ? commands.insertAll(List.of(prepared)).getFirst()
            : writes.submit(prepared);
    created.orThrow();
    return created;
  }

  @PreDestroy
  void close() {
    writes.close();
  }
}
