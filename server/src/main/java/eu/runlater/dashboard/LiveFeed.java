package eu.runlater.dashboard;

import static eu.runlater.dashboard.HomeQueries.EXECUTIONS_FINGERPRINT;

import eu.runlater.engine.db.SqlTime;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for open dashboards, over server-sent events. Once a second, for each organization
 * with an open page on this node, one bounded query fingerprints its recent executions (newest by
 * start, and how many started in the last six minutes — the longest timeout plus a margin — up to
 * 10,000); a change sends an {@code executions} event, and the page re-fetches what it shows.
 * Because the fingerprint is read from the database, executions finished by any node reach every
 * node's viewers, with no other channel between nodes.
 *
 * <p>Failure: a query error skips that pass (logged); a client that went away is dropped on the
 * next send. Stops before the web server's graceful shutdown, so open streams never hold it up.
 */
@Component
class LiveFeed implements SmartLifecycle {
  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration WINDOW = Duration.ofMinutes(6);
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final Map<UUID, Set<SseEmitter>> streams = new ConcurrentHashMap<>();
  private final Map<UUID, String> fingerprints = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService timer;
  private long ticks;

  LiveFeed(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A stream of this organization's live events. */
  SseEmitter subscribe(UUID organizationId) {
    SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
    Set<SseEmitter> set =
        streams.computeIfAbsent(organizationId, k -> ConcurrentHashMap.newKeySet());
    set.add(emitter);
    Runnable remove = () -> set.remove(emitter);
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(e -> remove.run());
    // Fingerprinted now, not at the next pass, so a change right after this is not taken for the
    // baseline. The first event makes the page re-fetch once, which covers what changed between
    // rendering the page and opening the stream (and the gap of a reconnect).
    fingerprints.computeIfAbsent(organizationId, this::fingerprint);
    send(set, emitter, SseEmitter.event().name("executions").data("connected"));
    return emitter;
  }

  /** Whether a pass has fingerprinted this organization (its streams get the next change). */
  boolean watching(UUID organizationId) {
    return fingerprints.containsKey(organizationId);
  }

  /** One pass: fingerprint each watched organization and notify on change. */
  int runOnce() {
    int notified = 0;
    boolean heartbeat = ++ticks % Math.max(1, HEARTBEAT.toSeconds() / PERIOD.toSeconds()) == 0;
    for (Map.Entry<UUID, Set<SseEmitter>> entry : streams.entrySet()) {
      UUID org = entry.getKey();
      Set<SseEmitter> set = entry.getValue();
      if (set.isEmpty()) {
        streams.remove(org, set);
        fingerprints.remove(org);
        continue;
      }
      String now = fingerprint(org);
      String before = fingerprints.put(org, now);
      if (before != null && !Objects.equals(before, now)) {
        notified++;
        for (SseEmitter emitter : set) {
          send(set, emitter, SseEmitter.event().name("executions").data(now));
        }
      } else if (heartbeat) {
        for (SseEmitter emitter : set) {
          send(set, emitter, SseEmitter.event().comment("heartbeat"));
        }
      }
    }
    return notified;
  }

  private String fingerprint(UUID org) {
    return jdbc.sql(EXECUTIONS_FINGERPRINT)
        .param("org", org)
        .param("since", SqlTime.ts(clock.instant().minus(WINDOW)))
        .query((rs, n) -> rs.getString("newest") + "/" + rs.getLong("recent"))
        .single();
  }

  private static void send(Set<SseEmitter> set, SseEmitter emitter, SseEmitter.SseEventBuilder e) {
    try {
      emitter.send(e);
    } catch (IOException | IllegalStateException gone) {
      set.remove(emitter);
    }
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runlater-live");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            runOnce();
          } catch (RuntimeException e) {
            log.warn("Live update pass failed; retrying in {}", PERIOD, e);
          }
        },
        PERIOD.toMillis(),
        PERIOD.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService t = timer;
    timer = null;
    if (t != null) {
      t.shutdownNow();
    }
    streams.values().forEach(set -> set.forEach(SseEmitter::complete));
    streams.clear();
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
