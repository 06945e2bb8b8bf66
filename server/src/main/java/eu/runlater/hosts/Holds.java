package eu.runlater.hosts;

import static eu.runlater.hosts.HostsQueries.HOST_HOLDS;
import static eu.runlater.hosts.HostsQueries.ORGANIZATION_CAP_USE;

import eu.runlater.engine.HostKey;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.web.Hold;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Why an organization's waiting deliveries wait, as far as the engine holds them: a target's open
 * circuit or throttle, or the organization's cap on parallel deliveries. A page reads it once
 * ({@link #forOrganization}) and asks it about each row it shows. Holds a queue or a job adds of
 * its own (paused, parallelism, rate) are theirs to explain.
 */
@Service
public class Holds {
  /** Due this long ago without a known hold: the run is overdue, waiting for a worker. */
  public static final Duration GRACE = Duration.ofSeconds(30);

  private final JdbcClient jdbc;
  private final InstantSource clock;

  Holds(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The organization's holds as they stand now. */
  public Lookup forOrganization(UUID organizationId) {
    Instant now = clock.instant();
    Map<String, Hold> hosts = new HashMap<>();
    jdbc.sql(HOST_HOLDS)
        .param("organization_id", organizationId)
        .param("now", SqlTime.ts(now))
        .query(
            rs -> {
              String target = rs.getString("host");
              Instant throttledUntil = SqlTime.instant(rs, "throttled_until");
              String name = displayName(target);
              String href = href(target);
              if ("open".equals(rs.getString("circuit"))) {
                Instant reopen = SqlTime.instant(rs, "reopen_at");
                hosts.put(
                    target,
                    new Hold(
                        "host_circuit",
                        "Held: the circuit to " + name + " is open after repeated failures",
                        rs.getString("last_error"),
                        SqlTime.instant(rs, "opened_at"),
                        reopen,
                        href));
              } else if (throttledUntil != null && throttledUntil.isAfter(now)) {
                hosts.put(
                    target,
                    new Hold(
                        "host_throttle",
                        "Held: " + name + " asked to slow down (Retry-After)",
                        rs.getString("last_error"),
                        SqlTime.instant(rs, "updated_at"),
                        throttledUntil,
                        href));
              }
            });
    long[] cap =
        jdbc.sql(ORGANIZATION_CAP_USE)
            .param("organization_id", organizationId)
            .query(
                (rs, n) ->
                    new long[] {
                      rs.getObject("max_running") == null ? 0 : rs.getLong("max_running"),
                      rs.getLong("running")
                    })
            .single();
    return new Lookup(now, Map.copyOf(hosts), cap[0], cap[1]);
  }

  /**
   * The holds read at {@code now}.
   *
   * @param hosts the troubled targets ({@code https://host:443}) and their hold
   * @param cap the organization's parallel cap, 0 when it has none
   * @param running its deliveries running now
   */
  public record Lookup(Instant now, Map<String, Hold> hosts, long cap, long running) {
    /**
     * A lookup that knows no hold, for a run known to wait as planned (a job just created whose run
     * the insert left ready at its time: its target holds nothing, and it is not overdue).
     */
    public static Lookup none(Instant now) {
      return new Lookup(now, Map.of(), 0, 0);
    }

    /** The troubled targets' holds, by target. */
    public List<Hold> hostHolds() {
      return List.copyOf(hosts.values());
    }

    /** Whether the organization runs as many deliveries as its cap allows. */
    public boolean atCap() {
      return cap > 0 && running >= cap;
    }

    /** The hold on deliveries to this URL's target, or null. */
    public Hold forUrl(String url) {
      return hosts.get(target(url));
    }

    /**
     * Why a delivery to {@code url} that was due at {@code dueAt} has not started, or null when it
     * is not late (not yet due, or due within {@link #GRACE}) or is running.
     */
    public Hold explain(String url, Instant dueAt) {
      Hold host = forUrl(url);
      if (host != null && (dueAt == null || !dueAt.isAfter(now))) {
        return host;
      }
      if (dueAt == null || dueAt.isAfter(now.minus(GRACE))) {
        return null;
      }
      if (atCap()) {
        return new Hold(
            "organization_cap",
            "Held: the organization runs " + running + " of its " + cap + " parallel deliveries",
            "It starts when one of them finishes.",
            null,
            null,
            "/settings/billing");
      }
      return new Hold(
          "backlog",
          "Overdue: waiting for a free worker",
          "No hold is known; the engine is behind its schedule.",
          dueAt,
          null,
          null);
    }
  }

  /** A URL's target as the engine keys it: {@code scheme://host:port}, or "" when unparseable. */
  public static String target(String url) {
    return HostKey.of(url);
  }

  /**
   * The page of a target ({@code https://api.example.com:443}): {@code
   * /hosts/https/api.example.com:443}, the link every host hold carries.
   */
  public static String href(String target) {
    return "/hosts/" + target.replace("://", "/");
  }

  /** A target as people read it: the default port left out. */
  public static String displayName(String target) {
    String rest = target.substring(target.indexOf("://") + 3);
    if (target.startsWith("https://") && rest.endsWith(":443")) {
      return rest.substring(0, rest.length() - 4);
    }
    if (target.startsWith("http://") && rest.endsWith(":80")) {
      return rest.substring(0, rest.length() - 3);
    }
    return rest;
  }

  /**
   * A case-insensitive POSIX pattern for URLs of a target: its scheme and host, the port either
   * explicit or left out when it is the scheme's default.
   */
  public static String urlPattern(String target) {
    String scheme = target.substring(0, target.indexOf("://"));
    String hostPort = target.substring(target.indexOf("://") + 3);
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    String port = hostPort.substring(colon + 1);
    boolean defaultPort =
        ("https".equals(scheme) && "443".equals(port))
            || ("http".equals(scheme) && "80".equals(port));
    return "^"
        + quote(scheme)
        + "://([^/@?#]*@)?"
        + quote(host)
        + (defaultPort ? "(:" + port + ")?" : ":" + port)
        + "([/?#]|$)";
  }

  private static String quote(String s) {
    return Pattern.compile("[^a-zA-Z0-9]").matcher(s).replaceAll(m -> "\\\\" + m.group());
  }
}
