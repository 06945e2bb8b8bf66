package eu.runlater.bench;

import eu.runlater.engine.http.HttpCall;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling without a database: {@code concurrency} virtual threads POSTing the same 200-byte
 * body to the sink as fast as they can, once through the JDK HTTP client and once through
 * Runlater's {@link HttpDelivery} (the client the engine delivers with).
 */
final class HttpOnlyBench {
  /** What a call does; returns whether the sink answered 200. */
  @FunctionalInterface
  interface Call {
    boolean send() throws Exception;
  }

  /** Requests per second in the measured window, and where the CPU went meanwhile. */
  record Rate(double perSecond, CpuMeter.Usage cpu) implements Measured {}

  private final Sink sink;
  private final int concurrency;
  private final CpuMeter cpu;

  HttpOnlyBench(Sink sink, int concurrency, CpuMeter cpu) {
    this.sink = sink;
    this.concurrency = concurrency;
    this.cpu = cpu;
  }

  Rate jdkClient(Duration warmup, Duration measure) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(sink.uri())
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(Payload.BODY))
              .build();
      return drive(
          warmup,
          measure,
          () -> client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200);
    }
  }

  Rate httpDelivery(Duration warmup, Duration measure) throws Exception {
    try (HttpDelivery http = Payload.httpDelivery(concurrency)) {
      URI uri = sink.uri();
      HttpCall call =
          new HttpCall(uri, "POST", Payload.HEADERS, Payload.BODY, Duration.ofSeconds(10));
      return drive(
          warmup,
          measure,
          () -> http.send(call) instanceof HttpOutcome.Responded r && r.status() == 200);
    }
  }

  /** As {@link #httpDelivery}, with the engine's full header set, signed per call. */
  Rate httpDeliverySigned(Duration warmup, Duration measure) throws Exception {
    try (HttpDelivery http = Payload.httpDelivery(concurrency)) {
      URI uri = sink.uri();
      Duration timeout = Duration.ofSeconds(10);
      return drive(
          warmup,
          measure,
          () ->
              http.send(new HttpCall(uri, "POST", Payload.signedHeaders(), Payload.BODY, timeout))
                      instanceof HttpOutcome.Responded r
                  && r.status() == 200);
    }
  }

  /** Requests per second completed in the measured window (after the warm-up). */
  private Rate drive(Duration warmup, Duration measure, Call call) throws Exception {
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    LongAdder ok = new LongAdder();
    LongAdder failed = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    long now;
                    while ((now = System.nanoTime()) < end) {
                      boolean success;
                      try {
                        success = call.send();
                      } catch (Exception e) {
                        success = false;
                      }
                      if (now >= measureFrom) {
                        (success ? ok : failed).increment();
                      }
                    }
                  }));
    }
    Thread.sleep(Duration.ofNanos(Math.max(0, measureFrom - System.nanoTime())));
    CpuMeter.Sample before = cpu.sample();
    for (Thread t : threads) {
      t.join();
    }
    CpuMeter.Usage usage = CpuMeter.between(before, cpu.sample());
    if (failed.sum() > 0) {
      System.out.printf("  WARNING: %d HTTP calls failed%n", failed.sum());
    }
    return new Rate(ok.sum() / (measure.toNanos() / 1e9), usage);
  }
}
