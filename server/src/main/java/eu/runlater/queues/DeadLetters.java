package eu.runlater.queues;

import static eu.runlater.queues.DeadLettersQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Caps;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.ratelimit.RequestQuota;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The dead-letter list: messages whose last attempt failed, with their last response. They can be
 * inspected, deleted, or redriven — one, or every match of a filter, spaced by a rate so that a
 * replay cannot flood the target.
 *
 * <p>A redrive puts dead letters back among the waiting messages, so it is held to what a push is
 * held to: the waiting-message cap (their bytes are counted already: dead letters count against the
 * stored-bytes cap, V18) and one unit of the caller's rate limit per message moved.
 */
@Service
class DeadLetters {
  /** The most messages one redrive call moves; call again for the rest. */
  static final int MAX_REDRIVE = 10_000;

  static final int DEFAULT_RATE_PER_SECOND = 10;

  private final JdbcClient jdbc;
  private final Messages messages;
  private final Queues queues;
  private final InstantSource clock;
  private final Caps caps;

  DeadLetters(JdbcClient jdbc, Messages messages, Queues queues, InstantSource clock, Caps caps) {
    this.jdbc = jdbc;
    this.messages = messages;
    this.queues = queues;
    this.clock = clock;
    this.caps = caps;
  }

  /** Which dead letters a list or a redrive covers; null fields do not filter. */
  public record Filter(
      String queue, Instant from, Instant to, StatusCodes statusCodes, String urlPrefix) {}

  public List<Message> list(UUID organizationId, Filter f, UUID cursor, int limit) {
    return messages.list(
        organizationId,
        new Messages.Filter(f.queue(), "failed", f.from(), f.to(), f.statusCodes()),
        cursor,
        limit);
  }

  public Message get(UUID organizationId, UUID id) {
    Message m = messages.get(organizationId, id);
    if (!"failed".equals(m.state())) {
      throw ApiProblem.notFound("dead letter", id);
    }
    return m;
  }

  @Transactional
  public void delete(UUID organizationId, UUID id) {
    int n = jdbc.sql(DEAD_DELETE).param("organization_id", organizationId).param("id", id).update();
    if (n == 0) {
      throw ApiProblem.notFound("dead letter", id);
    }
  }

  /**
   * Sends one dead letter again, now, with its full retry budget. Refused (429) like a push of one
   * message when the organization is at its waiting-message cap.
   */
  @Transactional
  public Message redrive(UUID organizationId, UUID id) {
    get(organizationId, id);
    caps.checkRoom(organizationId, 1, 0);
    RequestQuota.chargeMessages(1);
    UUID queueId =
        jdbc.sql(DEAD_REDRIVE_ONE)
            .param("organization_id", organizationId)
            .param("id", id)
            .param("now", SqlTime.ts(clock.instant()))
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .optional()
            .orElseThrow(() -> ApiProblem.notFound("dead letter", id));
    queues.releaseAfterCommit(queueId);
    return messages.get(organizationId, id);
  }

  /**
   * @param matched how many dead letters the filter matches
   * @param redriven how many this call sent again (0 on a dry run; at most 10,000 per call, and at
   *     most what the caller's rate limit holds: one unit per message)
   * @param lastStartAt when the last of them is due, given the rate
   */
  public record RedriveResult(
      long matched, long redriven, boolean dryRun, int ratePerSecond, Instant lastStartAt) {}

  @Transactional
  public RedriveResult redrive(
      UUID organizationId, Filter f, boolean dryRun, Integer ratePerSecond) {
    int rate = ratePerSecond == null ? DEFAULT_RATE_PER_SECOND : ratePerSecond;
    if (rate < 1 || rate > 10_000) {
      throw ApiProblem.invalid("rate_per_second", "must be 1 to 10000");
    }
    Instant now = clock.instant();
    long matched = filtered(jdbc.sql(DEAD_COUNT), organizationId, f).query(Long.class).single();
    if (dryRun || matched == 0) {
      return new RedriveResult(matched, 0, dryRun, rate, null);
    }
    // As many as the caller can pay for now (the rest on a later call), checked against the
    // waiting-message cap as a push of that many would be; a refusal moves nothing.
    int moving = (int) Math.min(Math.min(matched, MAX_REDRIVE), RequestQuota.available());
    caps.checkRoom(organizationId, moving, 0);
    RequestQuota.chargeMessages(moving);
    long intervalMs = Math.max(1, 1000 / rate);
    List<UUID> queueIds =
        filtered(jdbc.sql(DEAD_REDRIVE_MATCHING), organizationId, f)
            .param("now", SqlTime.ts(now))
            .param("interval_ms", intervalMs)
            .param("limit", moving)
            .query((rs, n) -> rs.getObject(1, UUID.class))
            .list();
    for (UUID queueId : new TreeSet<>(queueIds)) {
      queues.releaseAfterCommit(queueId);
    }
    long redriven = queueIds.size();
    return new RedriveResult(
        matched,
        redriven,
        false,
        rate,
        now.plus(Duration.ofMillis(intervalMs * Math.max(0, redriven - 1))));
  }

  private static JdbcClient.StatementSpec filtered(
      JdbcClient.StatementSpec spec, UUID organizationId, Filter f) {
    return spec.param("organization_id", organizationId)
        .param("queue", f.queue())
        .param("from", SqlTime.ts(f.from()))
        .param("to", SqlTime.ts(f.to()))
        .param("status_min", StatusCodes.min(f.statusCodes()))
        .param("status_max", StatusCodes.max(f.statusCodes()))
        .param("url_prefix", f.urlPrefix());
  }
}
