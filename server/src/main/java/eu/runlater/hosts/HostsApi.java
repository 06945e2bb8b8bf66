package eu.runlater.hosts;

import static eu.runlater.hosts.HostsQueries.*;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Target hosts the engine is holding back: throttled after a 429 or 503 with Retry-After, or with
 * an open circuit after consecutive failures. A host is named {@code host:port}. Each organization
 * sees only hosts its own waiting tasks target.
 */
@RestController
@Tag(name = "Hosts")
class HostsApi {
  private final JdbcClient jdbc;
  private final InstantSource clock;

  HostsApi(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * One host's delivery state.
   *
   * @param circuit {@code closed}, {@code open} (no delivery starts until {@code reopen_at}), or
   *     {@code half_open} (the period ended; one probe delivery decides)
   * @param throttledUntil no delivery to the host starts before this instant, or null
   */
  record HostView(
      String host,
      boolean throttled,
      Instant throttledUntil,
      String circuit,
      Instant openedAt,
      Instant reopenAt,
      int consecutiveFailures) {}

  record HostList(List<HostView> data) {}

  @GetMapping("/api/v1/hosts")
  @Operation(
      summary = "Hosts your waiting deliveries target that are throttled or have an open circuit")
  HostList list(@AuthenticationPrincipal ApiPrincipal caller) {
    Instant now = clock.instant();
    return new HostList(
        jdbc.sql(HOST_LIST_TROUBLED)
            .param("now", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
            .param("organization_id", caller.organizationId())
            .query((rs, i) -> view(rs, now))
            .list());
  }

  @GetMapping("/api/v1/hosts/{host}")
  @Operation(
      summary = "One host's delivery state (host:port), if your waiting deliveries target it")
  HostView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable String host) {
    String key = host.toLowerCase(Locale.ROOT);
    UUID org = caller.organizationId();
    boolean targeted =
        jdbc.sql(HOST_TARGETED)
            .param("host", key)
            .param("organization_id", org)
            .query(Boolean.class)
            .single();
    if (!targeted) {
      throw ApiProblem.notFound("host", key);
    }
    Instant now = clock.instant();
    return jdbc.sql(HOST_GET)
        .param("host", key)
        .query((rs, i) -> view(rs, now))
        .optional()
        .orElse(new HostView(key, false, null, "closed", null, null, 0));
  }

  private static HostView view(ResultSet rs, Instant now) throws SQLException {
    Instant until = instant(rs, "throttled_until");
    Instant reopen = instant(rs, "reopen_at");
    String circuit = rs.getString("circuit");
    if ("open".equals(circuit) && reopen != null && !reopen.isAfter(now)) {
      circuit = "half_open";
    }
    return new HostView(
        rs.getString("host"),
        until != null && until.isAfter(now),
        until,
        circuit,
        instant(rs, "opened_at"),
        reopen,
        rs.getInt("consecutive_failures"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
