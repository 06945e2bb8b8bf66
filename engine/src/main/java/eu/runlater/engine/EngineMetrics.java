package eu.runlater.engine;

import eu.runlater.engine.http.HttpOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The engine's meters, exported by whatever registry the host application provides. */
final class EngineMetrics {
  private final MeterRegistry registry;
  private final Timer lateness;
  private final Timer httpDuration;
  private final Counter claimed;
  private final Counter rejected;
  private final Counter rescued;
  private final Counter abandoned;
  private final Counter handedOn;
  private final Counter fenced;
  private final Counter handedOff;
  private final MultiGauge hostsThrottled;
  private final MultiGauge circuitsOpen;

  EngineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.lateness =
        Timer.builder("runlater.task.lateness")
            .description("Start of an attempt minus the time the task was due")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    this.httpDuration =
        Timer.builder("runlater.delivery.duration")
            .description("Duration of one HTTP attempt")
            .publishPercentileHistogram()
            .register(registry);
    this.claimed = Counter.builder("runlater.tasks.claimed").register(registry);
    this.rejected =
        Counter.builder("runlater.completions.rejected")
            .description("Completions refused because their attempt had lost its lease")
            .register(registry);
    this.rescued = Counter.builder("runlater.tasks.rescued").register(registry);
    this.abandoned = Counter.builder("runlater.tasks.abandoned").register(registry);
    this.handedOn =
        Counter.builder("runlater.tasks.handed.on")
            .description(
                "Running tasks handed on to other nodes because their node was declared dead")
            .register(registry);
    this.handedOff =
        Counter.builder("runlater.tasks.handed.off")
            .description(
                "Tasks an outcome inserted that the completer claimed and started itself (also"
                    + " counted as claimed)")
            .register(registry);
    this.fenced =
        Counter.builder("runlater.tasks.fenced")
            .description(
                "Claimed tasks handed back unsent because this node's heartbeat had gone stale")
            .register(registry);
    // Per organization, tagged with its id (opaque: never a slug or a host), only for
    // organizations with a target in trouble, at most HostGuard.MAX_ORGANIZATIONS_IN_METRICS.
    this.hostsThrottled =
        MultiGauge.builder("runlater.organization.hosts.throttled")
            .description("Targets of the organization throttled after a 429/503 with Retry-After")
            .register(registry);
    this.circuitsOpen =
        MultiGauge.builder("runlater.organization.hosts.circuits.open")
            .description("Targets of the organization whose circuit is open")
            .register(registry);
  }

  /** Replaces the per-organization host gauges with the leader's latest counts. */
  void troubledHosts(List<HostGuard.Troubled> rows) {
    hostsThrottled.register(
        rows.stream()
            .map(r -> MultiGauge.Row.of(tags(r), r.throttled()))
            .collect(Collectors.toList()),
        true);
    circuitsOpen.register(
        rows.stream().map(r -> MultiGauge.Row.of(tags(r), r.open())).collect(Collectors.toList()),
        true);
  }

  private static Tags tags(HostGuard.Troubled r) {
    return Tags.of("organization", r.organizationId().toString());
  }

  void lateness(Duration late) {
    lateness.record(late.isNegative() ? Duration.ZERO : late);
  }

  void delivered(HttpOutcome outcome, Duration took) {
    httpDuration.record(took);
    String result =
        switch (outcome) {
          case HttpOutcome.Responded r -> r.status() / 100 + "xx";
          case HttpOutcome.Failed f -> f.kind().name().toLowerCase(java.util.Locale.ROOT);
        };
    registry.counter("runlater.deliveries", "result", result).increment();
  }

  void claimed(int n) {
    claimed.increment(n);
  }

  void rejected(int n) {
    rejected.increment(n);
  }

  void rescued(int n) {
    rescued.increment(n);
  }

  void abandoned(int n) {
    abandoned.increment(n);
  }

  void handedOn(int n) {
    handedOn.increment(n);
  }

  void fenced(int n) {
    fenced.increment(n);
  }

  void handedOff(int n) {
    handedOff.increment(n);
  }

  /**
   * Nodes in one state ({@code alive}, {@code dead}, {@code stopped}) as this node's last heartbeat
   * saw the cluster: every node reports the same figure, so aggregate with max, not sum.
   */
  void nodes(String state, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder("runlater.nodes", value)
        .description("Engine nodes by state, as the last heartbeat saw them (the whole cluster)")
        .tag("state", state)
        .register(registry);
  }

  /**
   * This node's clock minus the database's, in seconds, as of its last heartbeat (NaN before the
   * first): {@code runlater_node_clock_offset_seconds}. Due times, leases and liveness follow the
   * database's clock; a node far off still delivers nothing early, but its logs and the times it
   * stamps (a job's "now") are off by as much.
   */
  void clockOffset(Supplier<Number> seconds) {
    io.micrometer.core.instrument.Gauge.builder("runlater.node.clock.offset", seconds)
        .description("This node's clock minus the database's, as of its last heartbeat")
        .baseUnit("seconds")
        .register(registry);
  }

  void gauge(String name, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value).register(registry);
  }

  Timer latenessTimer() {
    return lateness;
  }
}
