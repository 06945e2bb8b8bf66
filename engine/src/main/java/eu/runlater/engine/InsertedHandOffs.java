package eu.runlater.engine;

import eu.runlater.engine.db.Db.SqlArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's tasks handed off from inserting transactions that have not ended yet ({@link
 * HandOff#insertClaiming}), by organization. They run, yet no other transaction can see them
 * running until the commit: every count of an organization's running tasks on this node adds them,
 * the next insert's hand-off and the producer's claim alike, so that one node never runs more of an
 * organization at once than its cap. A count is taken before the claiming statement and given back
 * only after the commit (when the tasks are visible as running) or the rollback (when there are
 * none), so at every instant each such task is seen either here or in the database.
 */
final class InsertedHandOffs {
  private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** Counts one more for {@code organization}; returns how many it had before. */
  int take(UUID organization) {
    return inFlight.computeIfAbsent(organization, o -> new AtomicInteger()).getAndIncrement();
  }

  /** Gives back one count for each organization in {@code organizations}. */
  void giveBack(List<UUID> organizations) {
    for (UUID org : organizations) {
      inFlight.computeIfPresent(org, (o, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
  }

  /**
   * The counts now, as the two arrays (organizations, counts) the producer's claim adds to the
   * running tasks it counts ({@link ClaimQueries#TASK_CLAIM_DUE}); empty in the usual case.
   */
  SqlArray[] snapshot() {
    List<UUID> orgs = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    inFlight.forEach(
        (org, n) -> {
          int count = n.get();
          if (count > 0) {
            orgs.add(org);
            counts.add(count);
          }
        });
    return new SqlArray[] {SqlArray.of("uuid", orgs), SqlArray.of("int4", counts)};
  }
}
