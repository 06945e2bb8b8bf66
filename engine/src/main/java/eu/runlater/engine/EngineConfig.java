package eu.runlater.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How one node's engine runs.
 *
 * @param nodeId names this node in leases and execution history (unique per running process)
 * @param workers concurrent deliveries on this node; claims never exceed free workers
 * @param claimBatch the most tasks one claim statement takes
 * @param leaseMargin added to a task's timeout to form its lease: time to record the outcome before
 *     the rescuer may hand the task to another node
 * @param pollInterval the fallback wake-up when no timer or notification fires
 * @param maintenanceInterval how often each node re-checks the leadership (and replaces a silent
 *     leader), and the leader declares silent nodes dead, hands their tasks on and rescues expired
 *     leases: with {@code deadAfter} it bounds how long a dead node's tasks wait
 * @param partitionsAhead how many daily history partitions exist ahead of today
 * @param retention how long execution history is kept (whole days; older partitions are dropped)
 * @param shutdownGrace how long a stopping node lets in-flight deliveries finish
 * @param maxRescues how many lost leases a task survives before it is abandoned as {@code lost}
 * @param userAgent the {@code User-Agent} of every delivery
 * @param defaultOrganizationCap the most tasks of one organization running at once, cluster-wide,
 *     for an organization without a cap of its own (the server sets one per organization from its
 *     tier, through {@link Tenants})
 * @param circuitThreshold consecutive failures of one host (network errors, timeouts, 408, 5xx)
 *     that open its circuit
 * @param circuitOpenFor how long a circuit first stays open before one probe goes; each failed
 *     probe doubles it
 * @param circuitOpenMax the longest a circuit stays open between probes
 * @param heartbeatInterval how often the node writes its heartbeat (its row in {@code
 *     engine_nodes}, with the database's clock)
 * @param deadAfter how long a node may go without a heartbeat before the leader declares it dead
 *     and hands its running tasks on; a node whose own heartbeat has not reached the database for
 *     half of it stops claiming until one does (at least three heartbeat intervals)
 * @param version the Runlater version the node runs, shown in its row
 * @param lookahead how far ahead of their due time the producer claims tasks, to start each on its
 *     instant instead of after a claim that began at it ({@link Lookahead}); zero claims only what
 *     is due. At most {@link #LOOKAHEAD_HELD_PER_WORKER} tasks per worker wait claimed ahead.
 * @param completers how many threads record attempts' outcomes ({@link Completer}), each a batch in
 *     a transaction of its own: with two, a batch's hooks (a queue's release, a workflow's next
 *     steps) run while the previous batch commits, as two nodes' completers do
 */
public record EngineConfig(
    String nodeId,
    int workers,
    int claimBatch,
    Duration leaseMargin,
    Duration pollInterval,
    Duration maintenanceInterval,
    int partitionsAhead,
    Duration retention,
    Duration shutdownGrace,
    int maxRescues,
    String userAgent,
    int defaultOrganizationCap,
    int circuitThreshold,
    Duration circuitOpenFor,
    Duration circuitOpenMax,
    Duration heartbeatInterval,
    Duration deadAfter,
    String version,
    Duration lookahead,
    int completers) {

  public static final int DEFAULT_WORKERS = 100;
  public static final int DEFAULT_CLAIM_BATCH = 100;
  public static final Duration DEFAULT_LEASE_MARGIN = Duration.ofSeconds(30);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_PARTITIONS_AHEAD = 7;
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(31);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RESCUES = 5;
  public static final int DEFAULT_ORGANIZATION_CAP = 1_000;
  public static final int DEFAULT_CIRCUIT_THRESHOLD = 10;
  public static final Duration DEFAULT_CIRCUIT_OPEN_FOR = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CIRCUIT_OPEN_MAX = Duration.ofMinutes(10);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOOKAHEAD = Duration.ZERO;
  public static final int DEFAULT_COMPLETERS = 1;
  public static final int MAX_COMPLETERS = 8;

  /**
   * How many tasks per worker may wait claimed ahead of their due time: enough for a burst of
   * occurrences due on the same second (100 workers hold 2,000), few enough that one node does not
   * hoard a cluster's tasks.
   */
  public static final int LOOKAHEAD_HELD_PER_WORKER = 20;

  public EngineConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    require(workers >= 1 && workers <= 10_000, "workers must be 1..10000, got " + workers);
    require(claimBatch >= 1, "claimBatch must be at least 1");
    require(!leaseMargin.isNegative(), "leaseMargin must not be negative");
    require(
        pollInterval.toMillis() >= 10, "pollInterval must be at least 10 ms, got " + pollInterval);
    require(maintenanceInterval.toMillis() >= 10, "maintenanceInterval must be at least 10 ms");
    require(partitionsAhead >= 1, "partitionsAhead must be at least 1");
    require(retention.toDays() >= 1, "retention must be at least one day");
    require(!shutdownGrace.isNegative(), "shutdownGrace must not be negative");
    require(maxRescues >= 0, "maxRescues must not be negative");
    Objects.requireNonNull(userAgent, "userAgent");
    require(
        defaultOrganizationCap >= 1,
        "defaultOrganizationCap must be at least 1, got " + defaultOrganizationCap);
    require(circuitThreshold >= 1, "circuitThreshold must be at least 1, got " + circuitThreshold);
    require(
        circuitOpenFor.toMillis() >= 10,
        "circuitOpenFor must be at least 10 ms: " + circuitOpenFor);
    require(
        circuitOpenMax.compareTo(circuitOpenFor) >= 0,
        "circuitOpenMax must be at least circuitOpenFor, got " + circuitOpenMax);
    require(
        heartbeatInterval.toMillis() >= 10,
        "heartbeatInterval must be at least 10 ms, got " + heartbeatInterval);
    require(
        deadAfter.compareTo(heartbeatInterval.multipliedBy(3)) >= 0,
        "deadAfter must be at least three heartbeat intervals ("
            + heartbeatInterval.multipliedBy(3)
            + "), got "
            + deadAfter
            + ": a node stops claiming after half of it without a heartbeat");
    Objects.requireNonNull(version, "version");
    require(
        !lookahead.isNegative() && lookahead.compareTo(Duration.ofMinutes(1)) <= 0,
        "lookahead must be 0 (off) to 1 minute, got " + lookahead);
    require(
        completers >= 1 && completers <= MAX_COMPLETERS,
        "completers must be 1.." + MAX_COMPLETERS + ", got " + completers);
  }

  /** Defaults for a node with the given id. */
  public static EngineConfig defaults(String nodeId) {
    return builder(nodeId).build();
  }

  public static Builder builder(String nodeId) {
    return new Builder(nodeId);
  }

  /** Starts from the defaults; set only what differs. */
  public static final class Builder {
    private final String nodeId;
    private int workers = DEFAULT_WORKERS;
    private int claimBatch = DEFAULT_CLAIM_BATCH;
    private Duration leaseMargin = DEFAULT_LEASE_MARGIN;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
    private int partitionsAhead = DEFAULT_PARTITIONS_AHEAD;
    private Duration retention = DEFAULT_RETENTION;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private int maxRescues = DEFAULT_MAX_RESCUES;
    private String userAgent = "Runlater/dev";
    private int defaultOrganizationCap = DEFAULT_ORGANIZATION_CAP;
    private int circuitThreshold = DEFAULT_CIRCUIT_THRESHOLD;
    private Duration circuitOpenFor = DEFAULT_CIRCUIT_OPEN_FOR;
    private Duration circuitOpenMax = DEFAULT_CIRCUIT_OPEN_MAX;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration deadAfter = DEFAULT_DEAD_AFTER;
    private String version = "dev";
    private Duration lookahead = DEFAULT_LOOKAHEAD;
    private int completers = DEFAULT_COMPLETERS;

    private Builder(String nodeId) {
      this.nodeId = nodeId;
    }

    public Builder workers(int value) {
      workers = value;
      return this;
    }

    public Builder claimBatch(int value) {
      claimBatch = value;
      return this;
    }

    public Builder leaseMargin(Duration value) {
      leaseMargin = value;
      return this;
    }

    public Builder pollInterval(Duration value) {
      pollInterval = value;
      return this;
    }

    public Builder maintenanceInterval(Duration value) {
      maintenanceInterval = value;
      return this;
    }

    public Builder partitionsAhead(int value) {
      partitionsAhead = value;
      return this;
    }

    public Builder retention(Duration value) {
      retention = value;
      return this;
    }

    public Builder shutdownGrace(Duration value) {
      shutdownGrace = value;
      return this;
    }

    public Builder maxRescues(int value) {
      maxRescues = value;
      return this;
    }

    public Builder userAgent(String value) {
      userAgent = value;
      return this;
    }

    public Builder defaultOrganizationCap(int value) {
      defaultOrganizationCap = value;
      return this;
    }

    public Builder circuitThreshold(int value) {
      circuitThreshold = value;
      return this;
    }

    public Builder circuitOpenFor(Duration value) {
      circuitOpenFor = value;
      return this;
    }

    public Builder circuitOpenMax(Duration value) {
      circuitOpenMax = value;
      return this;
    }

    public Builder heartbeatInterval(Duration value) {
      heartbeatInterval = value;
      return this;
    }

    public Builder deadAfter(Duration value) {
      deadAfter = value;
      return this;
    }

    public Builder version(String value) {
      version = value;
      return this;
    }

    public Builder lookahead(Duration value) {
      lookahead = value;
      return this;
    }

    public Builder completers(int value) {
      completers = value;
      return this;
    }

    public EngineConfig build() {
      return new EngineConfig(
          nodeId,
          workers,
          claimBatch,
          leaseMargin,
          pollInterval,
          maintenanceInterval,
          partitionsAhead,
          retention,
          shutdownGrace,
          maxRescues,
          userAgent,
          defaultOrganizationCap,
          circuitThreshold,
          circuitOpenFor,
          circuitOpenMax,
          heartbeatInterval,
          deadAfter,
          version,
          lookahead,
          completers);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
