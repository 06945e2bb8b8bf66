package eu.runlater.jobs;

import static eu.runlater.jobs.JobOverviewsQueries.JOB_GET_WITH_STATE;
import static eu.runlater.jobs.JobOverviewsQueries.JOB_LIST;
import static eu.runlater.jobs.JobsQueries.*;

import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.TaskRequest;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.requests.RequestRules;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reads jobs: one by id or key, a list with each job's run state, and a job's clear-text input. */
@Service
class JobReads {
  private final JdbcClient jdbc;
  private final SecretBox secrets;

  JobReads(JdbcClient jdbc, SecretBox secrets) {
    this.jdbc = jdbc;
    this.secrets = secrets;
  }

  Job get(UUID organizationId, UUID id) {
    return find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("job", id));
  }

  Optional<Job> find(UUID organizationId, UUID id) {
    return jdbc.sql(JOB_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> JobRows.job(rs))
        .optional();
  }

  Optional<Job> findByKey(UUID organizationId, String key) {
    return jdbc.sql(JOB_GET_BY_KEY)
        .param("organization_id", organizationId)
        .param("key", key)
        .query((rs, n) -> JobRows.job(rs))
        .optional();
  }

  JobRows.JobWithState getWithState(UUID organizationId, UUID id) {
    return jdbc.sql(JOB_GET_WITH_STATE)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> new JobRows.JobWithState(JobRows.job(rs), JobRows.state(rs)))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("job", id));
  }

  /** Filters for {@link #list}. Nulls match everything. */
  record Filter(Boolean enabled, String scheduleType, String key, String query) {}

  List<JobRows.JobWithState> list(UUID organizationId, Filter filter, UUID cursor, int limit) {
    String q =
        filter.query() == null
            ? null
            : filter.query().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return jdbc.sql(JOB_LIST)
        .param("organization_id", organizationId)
        .param("cursor", cursor)
        .param("enabled", filter.enabled())
        .param("schedule_type", filter.scheduleType())
        .param("key", filter.key())
        .param("q", q)
        .param("limit", limit)
        .query((rs, n) -> new JobRows.JobWithState(JobRows.job(rs), JobRows.state(rs)))
        .list();
  }

  /** Every keyed job of an organization, for sync. */
  List<Job> keyed(UUID organizationId) {
    return jdbc.sql(JOB_LIST_KEYED)
        .param("organization_id", organizationId)
        .query((rs, n) -> JobRows.job(rs))
        .list();
  }

  /** The clear-text input a job was made from, for merging a PATCH into or comparing. */
  JobDraft draftOf(Job job) {
    TaskRequest request = job.request().toTask();
    return new JobDraft(
        job.name(),
        job.key(),
        new RequestRules.Draft(
            job.request().url(),
            job.request().method(),
            SealedRequests.openHeaders(secrets, request),
            new LinkedHashSet<>(
                job.request().secretHeaderNames().stream()
                    .filter(n -> !SealedRequests.looksSecret(n))
                    .toList()),
            SealedRequests.openBody(secrets, request),
            job.request().bodySealed(),
            job.request().timeoutMs()),
        job.retries(),
        job.schedule(),
        job.enabled(),
        job.catchUp(),
        job.overlap());
  }

  Tier tier(UUID organizationId) {
    return Tier.of(
        jdbc.sql(ORGANIZATION_TIER).param("id", organizationId).query(String.class).single());
  }
}
