package eu.runlater.executions;

import static eu.runlater.executions.ExecutionsQueries.EXECUTION_FINGERPRINT;
import static eu.runlater.executions.ExecutionsQueries.LIVE_CHANGE;

import eu.runlater.engine.FailureStreak;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.DatabaseUnavailable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live updates for open dashboards, over server-sent events. Once a second, for each organization
 * with an open page on this node, one bounded query fingerprints its recent executions (newest by
 * start, and how many started in the last six minutes — the longest timeout plus a margin — up to
 * 10,000), and the version of its changes that no execution shows ({@link #changed}); a change
 * sends an {@code executions} event, and the page re-fetches what it shows. Because the fingerprint
 * is read from the database, executions finished by any node reach every node's viewers, with no
 * other channel between nodes. It is part of the history, below every page that shows executions
 * (the home page, a job's page), so none of them depends on another. Rows that appear without an
 * execution reach it in one of two ways: rare changes (an approval decided, an event that resumed a
 * step) bump the organization's version with {@link #changed} in their transaction; frequent ones
 * (an inbound request forwarded nowhere) are read by a {@link LiveSignal}, whose fingerprint is
 * folded into the organization's, so they write nothing extra.
 *
 * <p>Failure: a query error skips that pass (logged once for a run of failures), or refuses a new
 * stream, which then holds nothing; a client that went away is dropped on the next send. Stops
 * before the web server's graceful shutdown, so open streams never hold it up.
 */
@Component
public class LiveFeed implements SmartLifecycle {
  static final Duration PERIOD = Duration.ofSeconds(1);

  /**
   * How far back a change can still land: an execution row commits at most this long after its
   * start (so counting this window catches rows that commit behind a newer one).
   */
  public static final Duration WINDOW = Duration.ofMinutes(6);

  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
  private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
  private static final String PASS = "Live updates of executions";

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final List<LiveSignal> signals;

  /**
   * Each watched organization's open streams. A watch joins and leaves the map only through {@code
   * compute} on its key, and leaves as its last stream does, so no stream can join a watch that the
   * map no longer holds and none is ever held empty.
   */
  private final Map<UUID, Watch> streams = new ConcurrentHashMap<>();

  private volatile ScheduledExecutorService timer;

  // While the database is away every pass fails: one line when that starts, one when it ends, not
  // a stack trace a second. Touched by the passes' thread only.
  private final FailureStreak failures = DatabaseUnavailable.failureStreak(log, PASS);
  private long ticks;

  LiveFeed(JdbcClient jdbc, InstantSource clock) {
    this(jdbc, clock, List.of());
  }

  @org.springframework.beans.factory.annotation.Autowired
  LiveFeed(JdbcClient jdbc, InstantSource clock, List<LiveSignal> signals) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.signals = List.copyOf(signals);
  }

  /**
   * An organization's open streams and the fingerprint they were last told about, counted from a
   * fixed start (moved every two windows): an execution ageing out of a sliding window would look
   * like a change.
   */
  private static final class Watch {
    final Set<SseEmitter> emitters = ConcurrentHashMap.newKeySet();

    /** Both written by the pass (one thread) and when the watch is made. */
    volatile Instant from;

    volatile String fingerprint;

    Watch(Instant from, String fingerprint) {
      this.from = from;
      this.fingerprint = fingerprint;
    }
  }

  /**
   * A stream of this organization's live events.
   *
   * @param seen the fingerprint the page was rendered at ({@link #fingerprint}), or null
   */
  public SseEmitter subscribe(UUID organizationId, String seen) {
    return subscribe(organizationId, seen, new SseEmitter(STREAM_TIMEOUT.toMillis()));
  }

  SseEmitter subscribe(UUID organizationId, SseEmitter emitter) {
    return subscribe(organizationId, null, emitter);
  }

  SseEmitter subscribe(UUID organizationId, String seen, SseEmitter emitter) {
    // Fingerprinted before the stream joins, so a failing query leaves nothing behind; and now,
    // not at the next pass, so a change right after this is not taken for the baseline. Unless
    // the page was rendered at this very fingerprint, the first event makes it re-fetch once,
    // which covers what changed between rendering the page and opening the stream (and the gap
    // of a reconnect).
    Instant from = clock.instant().minus(WINDOW);
    String baseline = fingerprint(organizationId, from);
    Runnable leave = () -> leave(organizationId, emitter);
    emitter.onCompletion(leave);
    // At the stream's timeout the response ends normally; htmx then reconnects.
    emitter.onTimeout(
        () -> {
          leave.run();
          emitter.complete();
        });
    emitter.onError(e -> leave.run());
    streams.compute(
        organizationId,
        (org, watch) -> {
          Watch joined = watch != null ? watch : new Watch(from, baseline);
          joined.emitters.add(emitter);
          return joined;
        });
    send(
        organizationId,
        emitter,
        baseline.equals(seen)
            ? SseEmitter.event().comment("connected")
            : SseEmitter.event().name("executions").data("connected"));
    return emitter;
  }

  /**
   * Tells every node's open pages of this organization that something changed which no execution
   * shows (an approval decided, an event that resumed a step, a run cancelled): in the caller's
   * transaction, so the pages hear of it once it commits, and not if it rolls back. In a Spring
   * transaction the organization's row is bumped just before the commit, after every other lock the
   * transaction takes: taken earlier, two transactions (a cancel holding a run and waiting for the
   * row, another holding the row and waiting for that run) deadlocked.
   */
  public void changed(UUID organizationId) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      jdbc.sql(LIVE_CHANGE).param("org", organizationId).update();
      return;
    }
    @SuppressWarnings("unchecked")
    Set<UUID> pending = (Set<UUID>) TransactionSynchronizationManager.getResource(this);
    if (pending == null) {
      Set<UUID> orgs = new TreeSet<>();
      pending = orgs;
      TransactionSynchronizationManager.bindResource(this, orgs);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            // Last of all: the organization's row is the last lock the transaction takes.
            @Override
            public int getOrder() {
              return org.springframework.core.Ordered.LOWEST_PRECEDENCE;
            }

            @Override
            public void beforeCommit(boolean readOnly) {
              for (UUID id : orgs) {
                jdbc.sql(LIVE_CHANGE).param("org", id).update();
              }
            }

            @Override
            public void afterCompletion(int status) {
              TransactionSynchronizationManager.unbindResourceIfPossible(LiveFeed.this);
            }
          });
    }
    pending.add(organizationId);
  }

  /** Whether this organization has open streams here (they get the next change). */
  public boolean watching(UUID organizationId) {
    return streams.containsKey(organizationId);
  }

  /** One pass: fingerprint each watched organization and notify on change. */
  int runOnce() {
    int notified = 0;
    boolean heartbeat = ++ticks % Math.max(1, HEARTBEAT.toSeconds() / PERIOD.toSeconds()) == 0;
    for (Map.Entry<UUID, Watch> entry : streams.entrySet()) {
      UUID org = entry.getKey();
      Watch watch = entry.getValue();
      // Every two windows the count starts afresh (so it stays a few minutes long). The new
      // baseline is read first: whatever commits after it differs from it at the next pass.
      Instant rebase = null;
      String rebased = null;
      Instant at = clock.instant();
      if (watch.from.isBefore(at.minus(WINDOW.multipliedBy(2)))) {
        rebase = at.minus(WINDOW);
        rebased = fingerprint(org, rebase);
      }
      String now = fingerprint(org, watch.from);
      boolean changed = !now.equals(watch.fingerprint);
      if (rebase != null) {
        watch.from = rebase;
        watch.fingerprint = rebased;
      } else {
        watch.fingerprint = now;
      }
      if (changed) {
        notified++;
        for (SseEmitter emitter : watch.emitters) {
          send(org, emitter, SseEmitter.event().name("executions").data(now));
        }
      } else if (heartbeat) {
        for (SseEmitter emitter : watch.emitters) {
          send(org, emitter, SseEmitter.event().comment("heartbeat"));
        }
      }
    }
    return notified;
  }

  /** A pass as the timer runs it: a failure skips it and is logged once for a run of them. */
  void pass() {
    try {
      runOnce();
      failures.succeeded();
    } catch (RuntimeException e) {
      failures.failed(e);
    }
  }

  private void leave(UUID organizationId, SseEmitter emitter) {
    streams.computeIfPresent(
        organizationId,
        (org, watch) -> {
          watch.emitters.remove(emitter);
          return watch.emitters.isEmpty() ? null : watch;
        });
  }

  /**
   * What a page shows live was read at this fingerprint; a page takes it before its queries and
   * hands it to {@code /live?seen=…}, so opening the stream re-fetches nothing that did not change.
   */
  public String fingerprint(UUID org) {
    return fingerprint(org, clock.instant().minus(WINDOW));
  }

  /**
   * The newest execution, and how many started after {@code from} (bounded); then each signal's
   * fingerprint.
   */
  private String fingerprint(UUID org, Instant from) {
    String executions =
        jdbc.sql(EXECUTION_FINGERPRINT)
            .param("org", org)
            .param("since", SqlTime.ts(from))
            .query(
                (rs, n) ->
                    rs.getLong("changes")
                        + "/"
                        + rs.getString("newest")
                        + "/"
                        + rs.getLong("recent"))
            .single();
    if (signals.isEmpty()) {
      return executions;
    }
    StringBuilder all = new StringBuilder(executions);
    for (LiveSignal signal : signals) {
      all.append('|').append(signal.fingerprint(org, from));
    }
    return all.toString();
  }

  private void send(UUID org, SseEmitter emitter, SseEmitter.SseEventBuilder e) {
    try {
      emitter.send(e);
    } catch (IOException | IllegalStateException gone) {
      leave(org, emitter);
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
        this::pass, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService t = timer;
    timer = null;
    if (t != null) {
      t.shutdownNow();
    }
    streams.values().forEach(watch -> watch.emitters.forEach(SseEmitter::complete));
    streams.clear();
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
