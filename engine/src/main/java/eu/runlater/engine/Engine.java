package eu.runlater.engine;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's delivery engine: a producer claiming due tasks, workers delivering them, a completer
 * recording outcomes, a listener for wake-ups, a heartbeat, and — on the leader only — the
 * hand-over of dead nodes' tasks, the rescuer of expired leases and the history's partition upkeep.
 * Any number of engines share one database.
 *
 * <p>Liveness: every node heartbeats ({@link Heartbeat}); the leader declares a node silent for
 * {@code deadAfter} dead and hands its running tasks on at once ({@link Rescuer#handOver}); a node
 * whose heartbeat is stale stops claiming; a silent leader is replaced ({@link Leader}). Lease
 * expiry stays the backstop.
 *
 * <p>{@link #stop()} is graceful: claiming stops, in-flight deliveries get {@code shutdownGrace} to
 * finish, and those still running are interrupted and handed back to ready (fenced by their lease
 * token) for any node to take.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final Duration PARTITION_INTERVAL = Duration.ofHours(1);

  /** The least pause between two maintenance passes, however long the last one took. */
  private static final long MIN_MAINTENANCE_PAUSE = 10_000_000;

  /** How long the rows of nodes that stopped or were declared dead are kept. */
  static final Duration NODES_KEPT = Duration.ofDays(7);

  private final EngineConfig config;
  private final Db db;
  private final InstantSource clock;
  private final Wakeups wakeups = new Wakeups();
  private final Tasks tasks;
  private final EngineMetrics metrics;
  private final Partitions partitions;
  private final Session session;
  private final Leader leader;
  private final Heartbeat heartbeat;
  private final Nodes nodes;
  private final Rescuer rescuer;
  private final Completer completer;
  private final HostGuard hosts;
  private final Hosts hostActions;
  private final Producer producer;
  private final Workers workers;
  private final Lookahead lookahead;
  private final WakeListener listener;
  private final HttpDelivery http;
  private final boolean ownsHttp;
  private volatile boolean running;
  private Thread maintenance;
  private Instant lastPartitionPass = Instant.EPOCH;

  private Engine(Builder b) {
    this.config = b.config;
    this.db = new Db(b.pool);
    this.clock = b.clock;
    this.ownsHttp = b.http == null;
    this.http = ownsHttp ? httpDelivery(b.targets, b.config) : b.http;
    this.metrics = new EngineMetrics(b.meters);
    this.tasks = new Tasks(wakeups, clock);
    this.partitions = new Partitions(db, config.partitionsAhead(), config.retention());
    this.session = new Session(b.dedicated);
    this.leader = new Leader(session, config.nodeId(), config.deadAfter());
    this.heartbeat = new Heartbeat(session, db, config, leader::isLeader, clock);
    this.nodes = new Nodes(db);
    this.rescuer =
        new Rescuer(db, clock, config.nodeId(), config.maxRescues(), partitions, b.outcomes, tasks);
    this.hosts = new HostGuard(db, config);
    this.hostActions = new Hosts(db, clock, wakeups);
    InsertedHandOffs handingOff = new InsertedHandOffs();
    this.producer = new Producer(db, config, clock, wakeups, metrics, heartbeat, handingOff);
    HandOff handOff = new HandOff(db, config, clock, heartbeat, metrics, handingOff);
    tasks.handOff(handOff);
    this.completer =
        new Completer(
            db,
            partitions,
            wakeups,
            metrics,
            clock,
            b.outcomes,
            tasks,
            hosts,
            producer::completionsRecorded,
            handOff,
            config.completers());
    Delivery delivery =
        new Delivery(
            http,
            b.transports,
            b.secrets,
            b.signing,
            clock,
            config,
            metrics,
            ThreadLocalRandom::current);
    this.workers =
        new Workers(
            config.workers(), delivery, completer, this::capacityFreed, this::handBackUnsent);
    this.lookahead =
        config.lookahead().isZero()
            ? null
            : new Lookahead(
                producer::now, workers, config.workers() * EngineConfig.LOOKAHEAD_HELD_PER_WORKER);
    producer.workers(workers, lookahead);
    // A cancelled task waiting claimed ahead is dropped before it starts, as a running one is
    // interrupted.
    this.listener =
        new WakeListener(
            b.dedicated,
            wakeups,
            id -> {
              if (lookahead == null || !lookahead.cancel(id)) {
                workers.cancel(id);
              }
            });
    producer.hook(b.hook, tasks);
    handOff.wire(workers, b.hook, tasks, producer::mayHandOff, producer::handOffLimit);
    metrics.gauge("runlater.workers.busy", workers::busy);
    if (lookahead != null) {
      metrics.gauge("runlater.lookahead.held", lookahead::held);
    }
    metrics.gauge("runlater.completions.pending", completer::pending);
    metrics.gauge("runlater.hosts.throttled", hosts::throttledHosts);
    metrics.gauge("runlater.hosts.circuits.open", hosts::openCircuits);
    for (Heartbeat.State state : Heartbeat.State.values()) {
      metrics.nodes(state.name(), () -> heartbeat.count(state));
    }
    metrics.clockOffset(heartbeat::aheadSeconds);
  }

  public static Builder builder(EngineConfig config) {
    return new Builder(config);
  }

  /**
   * The engine's HTTP client: one per engine, with a connection per worker (at least 64, so a node
   * with few workers still keeps warm connections to several hosts).
   */
  private static HttpDelivery httpDelivery(TargetPolicy targets, EngineConfig config) {
    return new HttpDelivery(
        HttpDeliveryConfig.defaults(targets.rules())
            .withUserAgent(config.userAgent())
            .withMaxConnections(Math.max(64, config.workers())));
  }

  /** Inserting and removing tasks in the caller's transactions. */
  public Tasks tasks() {
    return tasks;
  }

  /** Acting on targets held back for an organization: probe an open circuit now, release. */
  public Hosts hosts() {
    return hostActions;
  }

  public EngineConfig config() {
    return config;
  }

  public boolean isLeader() {
    return leader.isLeader();
  }

  /** The nodes sharing this engine's database, as their heartbeats show them. */
  public Nodes nodes() {
    return nodes;
  }

  public synchronized void start() throws SQLException {
    if (running) {
      return;
    }
    partitions.ensure(clock.instant());
    heartbeat.register();
    running = true;
    heartbeat.start();
    listener.start();
    completer.start();
    if (lookahead != null) {
      lookahead.start();
    }
    producer.start();
    maintenance =
        Thread.ofPlatform().name("runlater-maintenance").daemon().start(this::maintenanceLoop);
    log.info("Engine started on node {} with {} workers", config.nodeId(), config.workers());
  }

  /** Graceful stop; see the class comment. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      producer.stop();
      // Tasks claimed ahead and not started yet go back to ready at once, for any node to run.
      if (lookahead != null) {
        release(lookahead.stop());
      }
      List<ClaimedTask> abandoned = List.of();
      if (!workers.awaitIdle(config.shutdownGrace())) {
        abandoned = workers.abandonRunning();
        log.warn(
            "{} deliveries still running after {}; interrupting them and handing their tasks"
                + " back",
            abandoned.size(),
            config.shutdownGrace());
        workers.awaitIdle(Duration.ofSeconds(5));
      }
      completer.stop(Duration.ofSeconds(10));
      release(abandoned);
      maintenance.interrupt();
      maintenance.join(5_000);
      // Heartbeats go on until every delivery has ended or been handed back: a node stopping
      // slowly must not be declared dead (and its tasks handed on) while it still delivers.
      heartbeat.stop();
      heartbeat.markStopped();
      leader.release();
      listener.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      heartbeat.halt();
      wakeups.stopped();
    }
    log.info("Engine stopped on node {}", config.nodeId());
  }

  /** Stops (see {@link #stop()}) for good: the engine's own HTTP client closes too. */
  @Override
  public void close() {
    stop();
    if (ownsHttp) {
      http.close();
    }
  }

  private void release(List<ClaimedTask> abandoned) {
    if (abandoned.isEmpty()) {
      return;
    }
    try {
      int released = HandBack.toReady(db, abandoned);
      log.info("Handed {} unfinished tasks back to ready", released);
    } catch (SQLException e) {
      log.warn(
          "Could not hand {} tasks back; the rescuer will once their leases expire",
          abandoned.size(),
          e);
    }
  }

  /** A worker freed: the producer may claim, and a task claimed ahead and due may start. */
  private void capacityFreed() {
    producer.capacityFreed();
    if (lookahead != null) {
      lookahead.capacityFreed();
    }
  }

  /**
   * A task a worker did not send because the heartbeat went stale between its claim and its send:
   * back to ready, fenced by its token (the leader may be handing it on already); if the database
   * cannot be reached, the leader hands it on once this node is declared dead, or its lease
   * expires.
   */
  private void handBackUnsent(ClaimedTask task) {
    metrics.fenced(1);
    try {
      int released = HandBack.toReady(db, List.of(task));
      log.warn(
          "Node {} had no heartbeat reach the database for {}: task {} not sent{}",
          config.nodeId(),
          heartbeat.sinceLastBeat(),
          task.id(),
          released == 1 ? ", handed back" : " (another node holds it by now)");
    } catch (SQLException e) {
      log.warn(
          "Node {} had no heartbeat reach the database for {}: task {} not sent, and could not be"
              + " handed back ({}); it is handed on once the node is declared dead",
          config.nodeId(),
          heartbeat.sinceLastBeat(),
          task.id(),
          e.toString());
    }
  }

  /**
   * At a fixed rate: a pass that took part of the interval shortens the wait after it (a silent
   * node is declared at most one interval after its dead-after, however long the passes take).
   */
  private void maintenanceLoop() {
    long interval = config.maintenanceInterval().toNanos();
    FailureStreak failures = new FailureStreak(log, "Maintenance on node " + config.nodeId());
    while (running) {
      long started = System.nanoTime();
      try {
        maintainOnce();
        failures.succeeded();
      } catch (Exception e) {
        failures.failed(e);
      }
      long wait = Math.max(interval - (System.nanoTime() - started), MIN_MAINTENANCE_PAUSE);
      try {
        Thread.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * One maintenance pass: elect (replacing a silent leader), and if leading, declare silent nodes
   * dead and hand their tasks on, rescue expired leases, guard hosts, and keep partitions and node
   * rows.
   */
  void maintainOnce() throws SQLException {
    Instant probedAt = clock.instant();
    // The probe runs on the leader lock's session: its answer also confirms the lock.
    Probe probe = leader.runOnce(c -> probe(c, probedAt));
    if (probe == null) {
      return;
    }
    Rescuer.HandOver handed =
        probe.silent() || probe.gone()
            ? rescuer.handOver(config.deadAfter())
            : Rescuer.HandOver.NONE;
    if (!handed.declared().isEmpty()) {
      log.warn(
          "Declared node(s) {} dead: no heartbeat for {}",
          String.join(", ", handed.declared()),
          config.deadAfter());
    }
    if (handed.handedOn() > 0 || handed.abandoned() > 0) {
      metrics.handedOn(handed.handedOn());
      metrics.abandoned(handed.abandoned());
      log.warn(
          "Handed on {} running tasks of nodes that are gone; abandoned {} that lost too many",
          handed.handedOn(),
          handed.abandoned());
    }
    Rescuer.Result rescued = probe.expired() ? rescuer.runOnce() : Rescuer.Result.NONE;
    if (rescued.rescued() > 0 || rescued.abandoned() > 0) {
      metrics.rescued(rescued.rescued());
      metrics.abandoned(rescued.abandoned());
      log.warn(
          "Rescued {} tasks whose lease expired; abandoned {} that lost too many",
          rescued.rescued(),
          rescued.abandoned());
    }
    HostGuard.Result guarded = probe.hosts() ? hosts.runOnce(clock.instant()) : hosts.untroubled();
    metrics.troubledHosts(hosts.troubledByOrganization());
    if (guarded.wakeAt() != null) {
      wakeups.wake(guarded.wakeAt());
    }
    Instant now = clock.instant();
    if (Duration.between(lastPartitionPass, now).compareTo(PARTITION_INTERVAL) >= 0) {
      partitions.runOnce(now);
      pruneNodes();
      lastPartitionPass = now;
    }
  }

  /** Which steps of the leader's pass have anything to do (NodeQueries.MAINTENANCE_PROBE). */
  record Probe(boolean silent, boolean gone, boolean expired, boolean hosts) {}

  private Probe probe(java.sql.Connection c, Instant now) throws SQLException {
    return Db.query(
            c,
            NodeQueries.MAINTENANCE_PROBE,
            Params.of("node", config.nodeId())
                .put("dead_after_ms", config.deadAfter().toMillis())
                .put("now", now),
            rs ->
                new Probe(
                    rs.getBoolean("silent"),
                    rs.getBoolean("gone"),
                    rs.getBoolean("expired"),
                    rs.getBoolean("hosts")))
        .getFirst();
  }

  private void pruneNodes() throws SQLException {
    int pruned =
        db.withConnection(
            c -> Db.update(c, NodeQueries.NODE_PRUNE, Params.of("keep_ms", NODES_KEPT.toMillis())));
    if (pruned > 0) {
      log.info("Forgot {} nodes gone for more than {}", pruned, NODES_KEPT);
    }
  }

  // Package-private access for tests that drive components directly.
  Producer producer() {
    return producer;
  }

  Completer completer() {
    return completer;
  }

  Rescuer rescuer() {
    return rescuer;
  }

  Leader leader() {
    return leader;
  }

  Heartbeat heartbeat() {
    return heartbeat;
  }

  Partitions partitions() {
    return partitions;
  }

  Workers workers() {
    return workers;
  }

  HostGuard hostGuard() {
    return hosts;
  }

  Wakeups wakeups() {
    return wakeups;
  }

  /** Collects what an engine needs. */
  public static final class Builder {
    private final EngineConfig config;
    private DataSource pool;
    private ConnectionFactory dedicated;
    private TargetPolicy targets;
    private HttpDelivery http;
    private SecretBox secrets;
    private SigningSecrets signing;
    private InstantSource clock = InstantSource.system();
    private MeterRegistry meters = new SimpleMeterRegistry();
    private ClaimHook hook = ClaimHook.NONE;
    private OutcomeHook outcomes = OutcomeHook.NONE;
    private final java.util.Map<String, Transport> transports = new java.util.HashMap<>();

    private Builder(EngineConfig config) {
      this.config = config;
    }

    /** The pool for short statements, and a factory for the engine's own long-lived sessions. */
    public Builder database(DataSource pool, ConnectionFactory dedicated) {
      this.pool = pool;
      this.dedicated = dedicated;
      return this;
    }

    /**
     * Where deliveries may go (the SSRF guard); the engine builds its HTTP client with it, and
     * closes that client on {@link Engine#close()}.
     */
    public Builder targets(TargetPolicy targets) {
      this.targets = targets;
      return this;
    }

    /** For tests: a client of their own (a fake resolver, a trust store), which they close. */
    Builder http(HttpDelivery http) {
      this.http = http;
      return this;
    }

    /** Opens sealed request parts, and names each organization's signing secrets. */
    public Builder secrets(SecretBox secrets, SigningSecrets signing) {
      this.secrets = secrets;
      this.signing = signing;
      return this;
    }

    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    public Builder meters(MeterRegistry meters) {
      this.meters = meters;
      return this;
    }

    /** Acts in each claim's transaction (cron occurrences); see {@link ClaimHook}. */
    public Builder hook(ClaimHook hook) {
      this.hook = hook;
      return this;
    }

    /** What a source does in the transaction that records its tasks' final outcomes. */
    public Builder outcomes(OutcomeHook outcomes) {
      this.outcomes = Objects.requireNonNull(outcomes);
      return this;
    }

    /**
     * Delivers the tasks whose URL has this scheme ({@code mailto}); {@code http} and {@code https}
     * are the engine's own.
     */
    public Builder transport(String scheme, Transport transport) {
      String name = scheme.toLowerCase(java.util.Locale.ROOT);
      if (name.equals("http") || name.equals("https")) {
        throw new IllegalArgumentException("http and https are the engine's own");
      }
      transports.put(name, Objects.requireNonNull(transport));
      return this;
    }

    public Engine build() {
      Objects.requireNonNull(pool, "database");
      if (http == null && targets == null) {
        throw new NullPointerException("targets: use TargetPolicy.publicOnly() or parse(...)");
      }
      Objects.requireNonNull(secrets, "secrets");
      return new Engine(this);
    }
  }
}
