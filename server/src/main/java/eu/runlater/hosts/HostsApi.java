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
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Target hosts the engine is holding back for the calling organization: throttled after a 429 or
 * 503 with Retry-After, or with an open circuit after consecutive signs that the host is down. The
 * state is the organization's own: another tenant's throttle or circuit for the same host is
 * neither shown nor applied. A target is a scheme and {@code host:port}.
 */
@RestController
@Tag(name = "Hosts")
class HostsApi {
  private static final List<String> SCHEMES = List.of("https", "http");

  private final JdbcClient jdbc;
  private final InstantSource clock;

  HostsApi(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * One target's delivery state, for the calling organization.
   *
   * @param host {@code host:port}, the port made explicit
   * @param scheme {@code https} or {@code http}
   * @param circuit {@code closed}, {@code open} (no delivery starts until {@code reopen_at}), or
   *     {@code half_open} (the period ended; one probe delivery decides)
   * @param throttledUntil no delivery to the host starts before this instant, or null
   * @param lastError the last failure that counted towards the circuit, or null
   */
  record HostView(
      String host,
      String scheme,
      boolean throttled,
      Instant throttledUntil,
      String circuit,
      Instant openedAt,
      Instant reopenAt,
      int consecutiveFailures,
      String lastError) {}

  record HostList(List<HostView> data) {}

  @GetMapping("/api/v1/hosts")
  @Operation(
      summary =
          "Hosts your deliveries target that are throttled or have an open circuit, for your"
              + " organization")
  HostList list(@AuthenticationPrincipal ApiPrincipal caller) {
    Instant now = clock.instant();
    return new HostList(
        jdbc.sql(HOST_LIST_TROUBLED)
            .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .param("organization_id", caller.organizationId())
            .query((rs, i) -> view(rs, now))
            .list());
  }

  @GetMapping("/api/v1/hosts/{host}")
  @Operation(
      summary =
          "One host's delivery state (host:port) for your organization, if it is in trouble or"
              + " your waiting deliveries target it; scheme picks http or https when both apply")
  HostView get(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String host,
      @RequestParam(required = false) String scheme) {
    List<String> schemes = SCHEMES;
    if (scheme != null) {
      String s = scheme.strip().toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(s)) {
        throw ApiProblem.invalid("scheme", "must be https or http, or left out");
      }
      schemes = List.of(s);
    }
    String key = host.strip().toLowerCase(Locale.ROOT);
    boolean hasPort = key.matches(".*:[0-9]{1,5}") && !key.endsWith("]");
    List<String> origins =
        schemes.stream()
            .map(s -> s + "://" + key + (hasPort ? "" : s.equals("https") ? ":443" : ":80"))
            .toList();
    UUID org = caller.organizationId();
    Instant now = clock.instant();
    var state =
        jdbc.sql(HOST_GET)
            .param("organization_id", org)
            .param("hosts", origins)
            .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .query((rs, i) -> view(rs, now))
            .optional();
    if (state.isPresent()) {
      return state.get();
    }
    for (String origin : origins) {
      boolean targeted =
          jdbc.sql(HOST_TARGETED)
              .param("host", origin)
              .param("organization_id", org)
              .query(Boolean.class)
              .single();
      if (targeted) {
        Origin o = Origin.parse(origin);
        return new HostView(o.host(), o.scheme(), false, null, "closed", null, null, 0, null);
      }
    }
    throw ApiProblem.notFound("host", key);
  }

  /** An engine target key, {@code scheme://host:port}, split for the API. */
  private record Origin(String scheme, String host) {
    static Origin parse(String key) {
      int sep = key.indexOf("://");
      return sep < 0
          ? new Origin("", key)
          : new Origin(key.substring(0, sep), key.substring(sep + 3));
    }
  }

  private static HostView view(ResultSet rs, Instant now) throws SQLException {
    Instant until = instant(rs, "throttled_until");
    Instant reopen = instant(rs, "reopen_at");
    String circuit = rs.getString("circuit");
    if ("open".equals(circuit) && reopen != null && !reopen.isAfter(now)) {
      circuit = "half_open";
    }
    Origin origin = Origin.parse(rs.getString("host"));
    return new HostView(
        origin.host(),
        origin.scheme(),
        until != null && until.isAfter(now),
        until,
        circuit,
        instant(rs, "opened_at"),
        reopen,
        rs.getInt("consecutive_failures"),
        rs.getString("last_error"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
