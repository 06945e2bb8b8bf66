package eu.runlater.status;

import static eu.runlater.status.InstanceStatusQueries.CHECK_UPSERT;
import static eu.runlater.status.InstanceStatusQueries.DELIVERY_RATE;
import static eu.runlater.status.InstanceStatusQueries.INCIDENT_OPEN;
import static eu.runlater.status.InstanceStatusQueries.INCIDENT_OPEN_OF_SUBJECT;
import static eu.runlater.status.InstanceStatusQueries.INCIDENT_RESOLVE;
import static eu.runlater.status.InstanceStatusQueries.INCIDENT_UPDATE_ADD;
import static eu.runlater.status.InstanceStatusQueries.SCHEDULER_LAG;

import eu.runlater.engine.Engine;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.BackgroundLoop;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The instance's own checks, behind {@code /status}: on the leader, every {@code
 * runlater.status.instance-check-interval} (15 s), it measures the API (this node answers {@code
 * /health}), the scheduler (how late the oldest due task is that nothing holds), delivery (the
 * share of the last five minutes' attempts that got an answer from their target) and the database
 * (a round trip), and writes each component's state for every node to show. A component bad for
 * {@value #CONFIRMATIONS} passes in a row opens an automatic incident of the instance (no
 * organization) with an update saying what was measured; good again for as many passes, the
 * incident is resolved with an update. One open per component (a unique index), so a new leader
 * that does not know the counts adopts what is open.
 *
 * <p>A pass that fails (the database down) logs and retries; the loop never dies.
 */
@Component
class InstanceStatusChecks extends BackgroundLoop {
  static final int CONFIRMATIONS = 2;
  static final Duration DELIVERY_WINDOW = Duration.ofMinutes(5);
  static final int DELIVERY_MIN_ATTEMPTS = 20;

  /**
   * The limits a measure is judged by: over {@code degraded}, degraded; over {@code major}, a major
   * outage.
   */
  record Limits(
      Duration apiDegraded,
      Duration schedulerDegraded,
      Duration schedulerMajor,
      double deliveryDegraded,
      double deliveryMajor,
      Duration databaseDegraded,
      Duration databaseMajor) {
    static final Limits DEFAULT =
        new Limits(
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            0.90,
            0.50,
            Duration.ofMillis(250),
            Duration.ofSeconds(2));
  }

  /** One component's measure. */
  record Measure(String component, String state, String detail) {}

  /** What a pass did. */
  record Pass(List<Measure> measures, int opened, int resolved) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Engine engine;
  private final PublicCache cache;
  private final Environment environment;
  private final InstantSource clock;
  private final Duration interval;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Integer> bad = new HashMap<>();
  private final Map<String, Integer> good = new HashMap<>();
  private volatile Limits limits = Limits.DEFAULT;

  InstanceStatusChecks(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Engine engine,
      PublicCache cache,
      Environment environment,
      InstantSource clock,
      @Value("${runlater.status.instance-check-interval:15s}") Duration interval) {
    super("runlater-instance-status", "The instance's status checks");
    this.jdbc = jdbc;
    this.tx = tx;
    this.engine = engine;
    this.cache = cache;
    this.environment = environment;
    this.clock = clock;
    this.interval = interval;
  }

  /** For tests: judge by other limits (a threshold of zero makes a check fail). */
  void limits(Limits limits) {
    this.limits = limits;
  }

  @Override
  protected void loop() {
    while (running()) {
      try {
        if (engine.isLeader()) {
          runOnce(clock.instant());
        }
        passSucceeded();
      } catch (RuntimeException e) {
        passFailed(e);
      }
      synchronized (this) {
        if (running()) {
          try {
            wait(interval.toMillis());
          } catch (InterruptedException e) {
            // re-checked by the loop
          }
        }
      }
    }
  }

  /** Measures every component, records the states, opens and resolves incidents. */
  synchronized Pass runOnce(Instant now) {
    Limits l = limits;
    List<Measure> measures = new ArrayList<>();
    measures.add(api(l));
    measures.add(scheduler(now, l));
    measures.add(delivery(now, l));
    measures.add(database(l));
    int[] changes = new int[2];
    tx.executeWithoutResult(
        status -> {
          for (Measure m : measures) {
            jdbc.sql(CHECK_UPSERT)
                .param("component", m.component())
                .param("state", m.state())
                .param("detail", m.detail())
                .param("now", SqlTime.ts(now))
                .update();
            changes[0] += confirmBad(m, now) ? 1 : 0;
            changes[1] += confirmGood(m, now) ? 1 : 0;
          }
        });
    cache.invalidateInstance();
    return new Pass(List.copyOf(measures), changes[0], changes[1]);
  }

  private boolean confirmBad(Measure m, Instant now) {
    boolean operational = m.state().equals(StatusSnapshotStates.OPERATIONAL);
    if (operational) {
      bad.put(m.component(), 0);
      good.merge(m.component(), 1, Integer::sum);
    } else {
      good.put(m.component(), 0);
      bad.merge(m.component(), 1, Integer::sum);
    }
    if (operational || bad.get(m.component()) < CONFIRMATIONS) {
      return false;
    }
    InstanceStatusComponents.Definition d =
        InstanceStatusComponents.of(m.component()).orElseThrow();
    if (open(d.id()).isPresent()) {
      return false;
    }
    UUID id = Ids.v7(now);
    int inserted =
        jdbc.sql(INCIDENT_OPEN)
            .param("id", id)
            .param(
                "title",
                d.name() + ": " + StatusSnapshotStates.label(m.state()).toLowerCase(Locale.ROOT))
            .param("impact", m.state().equals(StatusSnapshotStates.MAJOR) ? "major" : "minor")
            .param("subject_id", d.id())
            .param("now", SqlTime.ts(now))
            .update();
    if (inserted == 0) {
      return false;
    }
    update(id, "investigating", "Detected automatically: " + m.detail() + ".", now);
    return true;
  }

  private boolean confirmGood(Measure m, Instant now) {
    if (!m.state().equals(StatusSnapshotStates.OPERATIONAL)
        || good.getOrDefault(m.component(), 0) < CONFIRMATIONS) {
      return false;
    }
    InstanceStatusComponents.Definition d =
        InstanceStatusComponents.of(m.component()).orElseThrow();
    Optional<UUID> open = open(d.id());
    if (open.isEmpty()) {
      return false;
    }
    jdbc.sql(INCIDENT_RESOLVE).param("id", open.get()).param("now", SqlTime.ts(now)).update();
    update(open.get(), "resolved", "Recovered: " + m.detail() + ".", now);
    return true;
  }

  private Optional<UUID> open(UUID subject) {
    return jdbc.sql(INCIDENT_OPEN_OF_SUBJECT)
        .param("subject_id", subject)
        .query(UUID.class)
        .optional();
  }

  private void update(UUID incident, String status, String body, Instant now) {
    jdbc.sql(INCIDENT_UPDATE_ADD)
        .param("id", Ids.v7(now))
        .param("incident_id", incident)
        .param("status", status)
        .param("body", body)
        .param("now", SqlTime.ts(now))
        .update();
  }

  private Measure api(Limits l) {
    String port = environment.getProperty("local.server.port");
    if (port == null) {
      return new Measure("api", StatusSnapshotStates.OPERATIONAL, "not measured yet");
    }
    long started = System.nanoTime();
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      if (r.statusCode() != 200) {
        return new Measure("api", StatusSnapshotStates.MAJOR, "health answered " + r.statusCode());
      }
      return new Measure(
          "api",
          took.compareTo(l.apiDegraded()) > 0
              ? StatusSnapshotStates.DEGRADED
              : StatusSnapshotStates.OPERATIONAL,
          "answers in " + millis(took));
    } catch (java.io.IOException e) {
      return new Measure(
          "api", StatusSnapshotStates.MAJOR, "no answer (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Measure("api", StatusSnapshotStates.OPERATIONAL, "not measured");
    }
  }

  private Measure scheduler(Instant now, Limits l) {
    Instant oldest =
        jdbc.sql(SCHEDULER_LAG)
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> Optional.ofNullable(SqlTime.instant(rs, "oldest")))
            .single()
            .orElse(null);
    Duration lag = oldest == null ? Duration.ZERO : Duration.between(oldest, now);
    String state =
        lag.compareTo(l.schedulerMajor()) > 0
            ? StatusSnapshotStates.MAJOR
            : lag.compareTo(l.schedulerDegraded()) > 0
                ? StatusSnapshotStates.DEGRADED
                : StatusSnapshotStates.OPERATIONAL;
    return new Measure("scheduler", state, "due tasks start within " + millis(lag));
  }

  private Measure delivery(Instant now, Limits l) {
    long[] counts =
        jdbc.sql(DELIVERY_RATE)
            .param("since", SqlTime.ts(now.minus(DELIVERY_WINDOW)))
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> new long[] {rs.getLong("attempts"), rs.getLong("answered")})
            .single();
    if (counts[0] < DELIVERY_MIN_ATTEMPTS) {
      return new Measure(
          "delivery",
          StatusSnapshotStates.OPERATIONAL,
          counts[0] + " attempts in the last 5 minutes (too few to judge)");
    }
    double rate = (double) counts[1] / counts[0];
    String state =
        rate < l.deliveryMajor()
            ? StatusSnapshotStates.MAJOR
            : rate < l.deliveryDegraded()
                ? StatusSnapshotStates.DEGRADED
                : StatusSnapshotStates.OPERATIONAL;
    return new Measure(
        "delivery",
        state,
        StatusSnapshotStates.percent(rate)
            + " of "
            + counts[0]
            + " attempts in 5 minutes reached their target");
  }

  private Measure database(Limits l) {
    long started = System.nanoTime();
    try {
      jdbc.sql(InstanceStatusQueries.DATABASE_PING).query(Integer.class).single();
    } catch (RuntimeException e) {
      return new Measure("database", StatusSnapshotStates.MAJOR, "no answer");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String state =
        took.compareTo(l.databaseMajor()) > 0
            ? StatusSnapshotStates.MAJOR
            : took.compareTo(l.databaseDegraded()) > 0
                ? StatusSnapshotStates.DEGRADED
                : StatusSnapshotStates.OPERATIONAL;
    return new Measure("database", state, "answers in " + millis(took));
  }

  private static String millis(Duration d) {
    long ms = d.toMillis();
    return ms < 1_000 ? Math.max(ms, 0) + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
