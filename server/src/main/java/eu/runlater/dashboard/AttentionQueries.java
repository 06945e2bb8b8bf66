package eu.runlater.dashboard;

/**
 * SQL for Home's "Needs attention" beyond the job rules in {@link HomeQueries}: runs past their
 * time and dead-letter lists that grew. Read only; each statement names the organization and ends
 * in a LIMIT.
 */
final class AttentionQueries {
  private AttentionQueries() {}

  // Waiting tasks (ready, or held by their host's circuit) due before :due, oldest first, with
  // what they deliver for. Over tasks_host_idx (organization_id, target_host) WHERE state <>
  // 'running': an organization's waiting tasks, the engine's small hot table (queues keep their
  // backlog in messages until they release it).
  static final String TASKS_OVERDUE =
      """
      SELECT t.source_kind, t.source_id, t.url, t.run_at, j.name AS job_name, q.name AS queue_name
      FROM tasks t
      LEFT JOIN jobs j ON t.source_kind = 'job' AND j.id = t.source_id
      LEFT JOIN messages m ON t.source_kind = 'message' AND m.id = t.source_id
      LEFT JOIN queues q ON q.id = m.queue_id
      WHERE t.organization_id = :org AND t.state <> 'running' AND t.run_at < :due
      ORDER BY t.run_at, t.id
      LIMIT :limit
      """;

  // Queues whose dead-letter list gained messages since :since, with how many. The walk goes
  // down messages_dead_idx from the newest id and stops at :oldest (a message's id is the time it
  // was pushed): a message that fails a day after it was pushed is rare, one pushed a week before
  // failing rarer still, and without the bound an organization with a large, old dead-letter list
  // would read all of it on every refresh. :scan caps the rows counted.
  static final String DEAD_LETTERS_GROWING =
      """
      SELECT q.name, count(*) AS added, max(d.finished_at) AS latest, bool_or(d.capped) AS capped
      FROM (
        SELECT m.queue_id, m.finished_at, (row_number() OVER () >= :scan) AS capped
        FROM (
          SELECT queue_id, finished_at FROM messages
          WHERE organization_id = :org AND state = 'failed' AND id > :oldest
            AND finished_at > :since
          ORDER BY id DESC
          LIMIT :scan) m) d
      JOIN queues q ON q.id = d.queue_id
      GROUP BY q.name
      ORDER BY added DESC, q.name
      LIMIT :limit
      """;
}
