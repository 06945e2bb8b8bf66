package eu.runlater.queues;

/**
 * SQL for queue_rate_reservations: the rate slots {@link RateGate} reserved for retries it handed
 * back to the engine.
 */
final class RateReservationsQueries {
  private RateReservationsQueries() {}

  static final String RESERVATIONS_TAKE =
      "DELETE FROM queue_rate_reservations WHERE task_id = ANY(:ids::uuid[]) RETURNING task_id";

  static final String RESERVATIONS_ADD =
      """
      INSERT INTO queue_rate_reservations (task_id, queue_id, slot)
      SELECT * FROM unnest(:task_ids::uuid[], :queue_ids::uuid[], :slots::timestamptz[])
      ON CONFLICT (task_id) DO UPDATE SET slot = excluded.slot
      """;

  /** Reservations older than this belong to tasks that are gone (see the migration). */
  static final String RESERVATIONS_PURGE =
      "DELETE FROM queue_rate_reservations WHERE slot < :before";
}
