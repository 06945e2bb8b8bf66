package eu.runlater.engine;

import eu.runlater.engine.http.HttpOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The engine's meters, exported by whatever registry the host application provides. */
final class EngineMetrics {
  private final MeterRegistry registry;
  private final Timer lateness;
  private final Timer httpDuration;
  private final Counter claimed;
  private final Counter rejected;
  private final Counter rescued;
  private final Counter abandoned;

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

  void gauge(String name, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value).register(registry);
  }

  Timer latenessTimer() {
    return lateness;
  }
}
