package eu.runlater.queues;

import static eu.runlater.queues.QueueStatsQueries.QUEUE_STATS_ALL;

import eu.runlater.engine.FailureStreak;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.DatabaseUnavailable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Exports every queue's depth, in-flight count, dead letters and measured rate as gauges tagged
 * with the organization's id and the queue's id (opaque: a scrape names no tenant and no queue)
 * ({@code runlater_queue_waiting}, {@code runlater_queue_in_flight}, {@code runlater_queue_dead},
 * {@code runlater_queue_finished_per_second}). The figures come from the shared database, so every
 * node exports the same values; they are refreshed every 15 seconds, for at most {@value
 * #MAX_QUEUES} queues (a bound on the series a scrape returns). Waiting and dead messages are
 * counted up to {@value #MAX_COUNTED} per queue, so a deep queue cannot make a refresh expensive:
 * the gauge then reads {@value #MAX_COUNTED}, "at least that many" (the API counts exactly). The
 * finished rate comes from the per-second counts the outcome hook keeps (queues V8), not from the
 * minute's messages, so a busy queue costs a refresh no more than an idle one.
 *
 * <p>A queue's gauges read its latest figures from a cell that each refresh updates in place; a
 * refresh registers only queues new since the last one and removes only queues gone since, so a
 * scrape running beside a refresh never misses a queue's series (re-registering every row, as
 * before, removed each one for a moment).
 */
@Component
class QueueMetrics {
  private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
  private static final String READING = "Reading queue figures for the metrics";

  // While the database is away every refresh fails: one line when that starts, one when it ends.
  // Guarded by this (refresh is synchronized: the scheduler and a caller may both refresh).
  private final FailureStreak failures = DatabaseUnavailable.failureStreak(log, READING);
  static final int MAX_QUEUES = 1_000;
  static final long MAX_COUNTED = 10_000;

  private record Row(String organization, String queue, Queues.Stats stats) {}

  /** One queue's latest figures, read by its gauges (held here, strongly, while it exists). */
  private static final class Cell {
    volatile Queues.Stats stats;

    Cell(Queues.Stats stats) {
      this.stats = stats;
    }
  }

  private final Map<List<String>, Cell> cells = new HashMap<>();

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final List<Gauge> gauges = new ArrayList<>();

  private record Gauge(MultiGauge gauge, ToDoubleFunction<Queues.Stats> value) {}

  QueueMetrics(JdbcClient jdbc, InstantSource clock, MeterRegistry registry) {
    this.jdbc = jdbc;
    this.clock = clock;
    gauge(registry, "runlater.queue.waiting", "Messages held by the queue", s -> s.waiting());
    gauge(
        registry,
        "runlater.queue.in_flight",
        "Released messages not yet finished",
        s -> s.inFlight());
    gauge(registry, "runlater.queue.dead", "Messages in the dead-letter list", s -> s.dead());
    gauge(
        registry,
        "runlater.queue.finished_per_second",
        "Messages finished (delivered or dead) per second over the last minute",
        Queues.Stats::finishedPerSecond);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<Queues.Stats> value) {
    gauges.add(
        new Gauge(MultiGauge.builder(name).description(description).register(registry), value));
  }

  @Scheduled(fixedDelayString = "PT15S", initialDelayString = "PT5S")
  void refresh() {
    refresh(MAX_COUNTED);
  }

  /** Refreshes the gauges, counting waiting and dead messages up to {@code cap} per queue. */
  synchronized void refresh(long cap) {
    List<Row> rows;
    try {
      rows =
          jdbc.sql(QUEUE_STATS_ALL)
              .param("since", SqlTime.ts(clock.instant().minus(Queues.RATE_WINDOW)))
              .param("limit", MAX_QUEUES)
              .param("cap", cap)
              .query(
                  (rs, n) ->
                      new Row(
                          rs.getString("organization_id"),
                          rs.getString("queue_id"),
                          Queues.Stats.map(rs)))
              .list();
    } catch (RuntimeException e) {
      failures.failed(e);
      return;
    }
    failures.succeeded();
    Map<List<String>, Cell> current = new HashMap<>();
    for (Row r : rows) {
      List<String> key = List.of(r.organization(), r.queue());
      Cell cell = cells.get(key);
      if (cell == null) {
        cell = new Cell(r.stats());
      } else {
        cell.stats = r.stats();
      }
      current.put(key, cell);
    }
    cells.clear();
    cells.putAll(current);
    for (Gauge g : gauges) {
      ToDoubleFunction<Queues.Stats> value = g.value();
      g.gauge()
          .register(
              current.entrySet().stream()
                  .map(
                      e ->
                          MultiGauge.Row.of(
                              Tags.of(
                                  "organization", e.getKey().get(0), "queue", e.getKey().get(1)),
                              e.getValue(),
                              (Cell c) -> value.applyAsDouble(c.stats)))
                  .toList(),
              false);
    }
  }
}
