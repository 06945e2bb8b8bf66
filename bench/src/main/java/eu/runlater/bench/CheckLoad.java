package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * HTTP uptime monitors on one node: {@code monitors} monitors checked every {@code interval}
 * seconds against a local target (a keyword check on a small page). They are written to the table
 * with their first check spread over one interval, and the leader's sweep makes their first check
 * tasks (the same path that heals a lost chain); from then on each check makes the next.
 */
final class CheckLoad implements AutoCloseable {

  /** The checks whose planned time fell in a window. */
  record Window(
      long started,
      long planned,
      long failed,
      long up,
      Stats.Percentiles lateness,
      List<Long> spacings,
      long hits) {}

  private final BenchServer server;
  private final int monitors;
  private final int interval;
  private final HttpServer target;
  private final AtomicLong hits = new AtomicLong();
  private Instant first;

  CheckLoad(BenchServer server, int monitors, int interval) throws Exception {
    this.server = server;
    this.monitors = monitors;
    this.interval = interval;
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    target.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    byte[] ok = "<html><body>status: ok</body></html>".getBytes(StandardCharsets.UTF_8);
    target.createContext(
        "/",
        exchange -> {
          try (exchange) {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
          }
        });
    target.start();
  }

  /** Writes the monitors, their first checks spread over one interval from 5 s on. */
  Instant seed() {
    JdbcClient jdbc = server.context().getBean(JdbcClient.class);
    String base = "http://127.0.0.1:" + target.getAddress().getPort();
    first = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
    long spreadMs = interval * 1000L / Math.max(1, monitors);
    for (int i = 0; i < monitors; i++) {
      UUID id = UUID.randomUUID();
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      jdbc.sql(
              """
              INSERT INTO monitors (id, organization_id, name, kind, url, method, keyword,
                  interval_s, timeout_s, confirmations, state, state_since, due_at, badge_key,
                  created_at, updated_at)
              VALUES (:id, :org, :name, 'http', :url, 'GET', 'status: ok', :interval, 10, 2,
                  'new', :now, :due, :badge, :now, :now)
              """)
          .param("id", id)
          .param("org", server.organizationId())
          .param("name", "site-%04d".formatted(i))
          .param("url", base + "/site/" + i)
          .param("interval", interval)
          .param("now", now)
          .param("due", OffsetDateTime.ofInstant(first.plusMillis(spreadMs * i), ZoneOffset.UTC))
          .param("badge", "bench-" + id)
          .update();
    }
    return first;
  }

  /** When the first round of checks is over (measure from then on). */
  Instant warm() {
    return first.plusSeconds(interval);
  }

  /**
   * The checks planned in {@code [from, to)} (the window should end at least a timeout before now,
   * so that every check planned in it has started): lateness of each start against its planned
   * time, checks failed, monitors up, and the distinct spacings of planned times.
   */
  Window measure(Instant from, Instant to) {
    JdbcClient jdbc = server.context().getBean(JdbcClient.class);
    List<Double> lateness = new ArrayList<>();
    jdbc.sql(
            """
            SELECT extract(epoch FROM (started_at - scheduled_for)) * 1000 AS late_ms
            FROM executions
            WHERE source_kind = 'monitor' AND scheduled_for >= :from AND scheduled_for < :to
            """)
        .param("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
        .param("to", OffsetDateTime.ofInstant(to, ZoneOffset.UTC))
        .query(
            rs -> {
              lateness.add(rs.getDouble("late_ms"));
            });
    long failed =
        jdbc.sql("SELECT count(*) FROM monitor_checks WHERE NOT ok AND checked_at >= :from")
            .param("from", OffsetDateTime.ofInstant(from, ZoneOffset.UTC))
            .query(Long.class)
            .single();
    List<Long> spacings =
        jdbc.sql(
                """
                SELECT DISTINCT round(extract(epoch FROM (scheduled_for - lag)) * 1000)::bigint
                FROM (SELECT scheduled_for,
                             lag(scheduled_for) OVER (PARTITION BY source_id
                                                      ORDER BY scheduled_for) AS lag
                      FROM executions WHERE source_kind = 'monitor') s
                WHERE lag IS NOT NULL
                """)
            .query(Long.class)
            .list();
    long up =
        jdbc.sql("SELECT count(*) FROM monitors WHERE kind = 'http' AND state = 'up'")
            .query(Long.class)
            .single();
    return new Window(
        lateness.size(),
        (long) monitors * Duration.between(from, to).toSeconds() / interval,
        failed,
        up,
        Stats.Percentiles.of(lateness.stream().mapToDouble(Double::doubleValue).toArray()),
        spacings,
        hits.get());
  }

  @Override
  public void close() {
    target.stop(0);
  }
}
