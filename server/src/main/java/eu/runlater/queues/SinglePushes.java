package eu.runlater.queues;

import eu.runlater.platform.database.GroupCommit;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One message pushed by one request ({@code POST /api/v1/queues/{name}/messages}), answered only
 * once it committed. Pushes arriving together share a transaction and its commit ({@link
 * GroupCommit}): each is checked on its request's thread (a bad one is a 422 that never reaches the
 * database), then a batch stores them with one set of statements per organization, as one batch
 * push would, in arrival order (a dedup id pushed twice in one batch is deduplicated against the
 * first, as it would be one after the other). A batch that fails (a cap reached, a queue deleted
 * meanwhile) is written again push by push, so a push that cannot be stored fails only itself.
 *
 * <p>A push inside a transaction already (an {@code Idempotency-Key}'s request: its record commits
 * with the push) is stored in that transaction instead.
 */
@Component
class SinglePushes {
  /**
   * Up to 128 pushes a transaction, two transactions at a time (one collects while the other
   * commits), 2,048 waiting; more are answered 503 and stored nowhere.
   */
  static final GroupCommit.Settings GROUP_COMMIT = new GroupCommit.Settings(128, 2048, 2);

  private final Messages messages;
  private final GroupCommit<Messages.Checked, List<Messages.Pushed>> writes;

  SinglePushes(
      Messages messages,
      InstantSource clock,
      PlatformTransactionManager transactions,
      MeterRegistry meters) {
    this.messages = messages;
    this.writes =
        new GroupCommit<>(
            "push",
            new TransactionTemplate(transactions),
            batch -> messages.storeAll(batch, clock.instant()),
            one -> messages.storeAll(List.of(one), clock.instant()).getFirst(),
            GROUP_COMMIT,
            meters);
  }

  /** Pushes one message and answers once it committed (see the class comment). */
  Messages.Pushed push(UUID organizationId, String queueName, MessageInput input) {
    if (TransactionSynchronizationManager.isActualTransactionActive()) {
      return messages.push(organizationId, queueName, input);
    }
    return writes.submit(messages.checkOne(organizationId, queueName, input)).getFirst();
  }

  @PreDestroy
  void close() {
    writes.close();
  }
}
