package eu.runlater.platform.health;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}: 200 when the database answers a query within {@link #DEADLINE}, 503 (with
 * {@code Retry-After}) otherwise. Load balancers and orchestrators poll it; it never waits longer
 * than the deadline.
 */
@RestController
@Tag(name = "Operations")
class HealthApi {
  static final Duration DEADLINE = Duration.ofSeconds(3);
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(HealthApi.class);

  private final DataSource dataSource;

  HealthApi(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @GetMapping("/health")
  @Operation(summary = "Liveness and database reachability")
  ResponseEntity<Map<String, Object>> health() {
    long started = System.nanoTime();
    String failure = null;
    try {
      CompletableFuture.runAsync(this::ping, Thread::startVirtualThread)
          .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      failure = "database did not answer within " + DEADLINE.toSeconds() + " s";
    } catch (Exception e) {
      failure = "database unreachable";
      log.debug("Health check failed", e);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", failure == null ? "ok" : "unavailable");
    body.put("database", failure == null ? "up" : "down");
    body.put("latency_ms", (System.nanoTime() - started) / 1_000_000);
    if (failure != null) {
      body.put("error", failure);
      // Load balancers and clients may come back after this many seconds.
      return ResponseEntity.status(503)
          .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER.toSeconds()))
          .body(body);
    }
    return ResponseEntity.ok(body);
  }

  private void ping() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      // The answer goes out after DEADLINE regardless; this ends the ping itself (and frees its
      // pooled connection) when the database has gone silent rather than away.
      c.setNetworkTimeout(Runnable::run, (int) DEADLINE.toMillis());
      s.setQueryTimeout((int) DEADLINE.toSeconds());
      s.execute("SELECT 1");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
