package eu.runlater.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Uptime checks at scale on one node: {@code --monitors} HTTP monitors (default 1,000) checked
 * every {@code --interval} seconds (default 30) against a local target, for {@code --minutes}
 * (default 3) after one warm-up round. The monitors are written to the table with their first check
 * spread over one interval, and the leader's sweep makes their first check tasks (the same path
 * that heals a lost chain); from then on each check makes the next.
 *
 * <p>Reports the lateness of checks (the attempt's start minus its planned time, from {@code
 * executions}): p50/p95/p99/max; checks done against checks planned; the spacing of each monitor's
 * planned times (no drift: always the interval); and the CPU used while measuring.
 *
 * <pre>
 * CheckBench [--monitors 1000] [--interval 30] [--minutes 3] [--dir bench/target/check-bench]
 * </pre>
 */
public final class CheckBench {

  public static void main(String[] args) throws Exception {
    int monitors = 1_000;
    int interval = 30;
    int minutes = 3;
    Path dir = Path.of("bench/target/check-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--monitors" -> monitors = Integer.parseInt(args[i + 1]);
        case "--interval" -> interval = Integer.parseInt(args[i + 1]);
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    AtomicLong hits = new AtomicLong();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
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
    String base = "http://127.0.0.1:" + target.getAddress().getPort();
    try (BenchPostgres pg = BenchPostgres.start(dir.resolve("pg"), false);
        BenchServer server =
            BenchServer.start(pg, dir, "checks", "--runlater.monitors.checks.sweep-interval=1s")) {
      JdbcClient jdbc = server.context().getBean(JdbcClient.class);
      CpuMeter cpu = new CpuMeter(pg.postmasterPid());
      Instant first = Instant.now().plusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
      long spreadMs = interval * 1000L / monitors;
      for (int i = 0; i < monitors; i++) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
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
            .param("now", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
            .param(
                "due",
                OffsetDateTime.ofInstant(first.plusMillis(spreadMs * i), java.time.ZoneOffset.UTC))
            .param("badge", "bench-" + id)
            .update();
      }
      System.out.printf(
          "%d monitors every %d s, first checks from %s over one interval%n",
          monitors, interval, first);
      // One warm-up round, then measure.
      Instant warm = first.plusSeconds(interval);
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), warm).toMillis()));
      CpuMeter.Sample before = cpu.sample();
      Instant from = Instant.now();
      Thread.sleep(Duration.ofMinutes(minutes).toMillis());
      CpuMeter.Sample after = cpu.sample();
      Instant to = Instant.now();
      List<Double> lateness = new ArrayList<>();
      jdbc.sql(
              """
              SELECT extract(epoch FROM (started_at - scheduled_for)) * 1000 AS late_ms
              FROM executions
              WHERE source_kind = 'monitor' AND scheduled_for >= :from AND scheduled_for < :to
              """)
          .param("from", OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
          .param("to", OffsetDateTime.ofInstant(to.minusSeconds(15), java.time.ZoneOffset.UTC))
          .query(
              rs -> {
                lateness.add(rs.getDouble("late_ms"));
              });
      long planned =
          (long) monitors * Duration.between(from, to.minusSeconds(15)).toSeconds() / interval;
      long failed =
          jdbc.sql("SELECT count(*) FROM monitor_checks WHERE NOT ok AND checked_at >= :from")
              .param("from", OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC))
              .query(Long.class)
              .single();
      List<Long> spacing =
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
          jdbc.sql("SELECT count(*) FROM monitors WHERE state = 'up'").query(Long.class).single();
      System.out.printf(
          "measured %d s: %d checks started (about %d planned), %d failed, monitors up: %d/%d,"
              + " target hits in all: %d%n",
          Duration.between(from, to).toSeconds(),
          lateness.size(),
          planned,
          failed,
          up,
          monitors,
          hits.get());
      System.out.println(
          "lateness (start - planned): "
              + Stats.Percentiles.of(lateness.stream().mapToDouble(Double::doubleValue).toArray()));
      System.out.println("distinct spacings of planned times (ms): " + spacing);
      System.out.println(CpuMeter.between(before, after));
    } finally {
      target.stop(0);
    }
  }
}
