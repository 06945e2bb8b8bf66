package eu.runlater.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The public API's durable enqueue rate: the real server started in this JVM on a fresh database,
 * {@code concurrency} virtual threads creating one-time jobs ({@code POST /api/v1/jobs}, due in an
 * hour so the engine stays idle). A 201 means the job and its task are committed.
 */
final class ApiBench {
  private final BenchPostgres pg;
  private final Sink sink;
  private final Path dataDir;
  private final int concurrency;

  ApiBench(BenchPostgres pg, Sink sink, Path dataDir, int concurrency) {
    this.pg = pg;
    this.sink = sink;
    this.dataDir = dataDir;
    this.concurrency = concurrency;
  }

  record Result(double createsPerSecond, Stats.Percentiles latency, long errors, CpuMeter.Usage cpu)
      implements Measured {}

  /** With {@code jfr}, the measured window is recorded there (JFR "profile" settings). */
  Result run(Duration warmup, Duration measure, CpuMeter cpu, Path jfr) throws Exception {
    try (BenchServer server = BenchServer.start(pg, dataDir, "api");
        Connection monitor = pg.connect(server.database())) {
      pg.resetStatements(monitor);
      Result result =
          drive(server.base().resolve("/api/v1/jobs"), server.apiKey(), warmup, measure, cpu, jfr);
      pg.printStatements(monitor, server.database());
      return result;
    }
  }

  private Result drive(
      URI uri, String key, Duration warmup, Duration measure, CpuMeter cpu, Path jfr)
      throws Exception {
    byte[] body =
        """
        {"name":"b","url":"%s","schedule":{"type":"once","delay":"1h"}}"""
            .formatted(sink.uri())
            .getBytes();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    LongAdder created = new LongAdder();
    LongAdder errors = new LongAdder();
    List<double[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CpuMeter.Sample[] before = new CpuMeter.Sample[1];
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < concurrency; i++) {
        double[] mine = new double[20_000];
        latencies.add(mine);
        int slot = i;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      int n = 0;
                      long start;
                      while ((start = System.nanoTime()) < end) {
                        int status;
                        try {
                          status =
                              client
                                  .send(request, HttpResponse.BodyHandlers.ofByteArray())
                                  .statusCode();
                        } catch (Exception e) {
                          status = -1;
                        }
                        if (start < measureFrom) {
                          continue;
                        }
                        if (status == 201) {
                          created.increment();
                          if (n < mine.length) {
                            mine[n++] = (System.nanoTime() - start) / 1e6;
                          }
                        } else {
                          errors.increment();
                          if (errors.sum() <= 3) {
                            System.out.println("  WARNING: POST /api/v1/jobs answered " + status);
                          }
                        }
                      }
                      latencies.set(slot, java.util.Arrays.copyOf(mine, n));
                    }));
      }
      Thread.sleep(warmup);
      jdk.jfr.Recording recording = jfr == null ? null : RunlaterBench.startRecording(jfr);
      before[0] = cpu.sample();
      for (Thread t : threads) {
        t.join();
      }
      if (recording != null) {
        recording.stop();
        recording.close();
        System.out.println("  JFR recording of the API phase written to " + jfr);
      }
    }
    CpuMeter.Sample after = cpu.sample();
    double[] all = latencies.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    return new Result(
        created.sum() / (measure.toNanos() / 1e9),
        Stats.Percentiles.of(all),
        errors.sum(),
        CpuMeter.between(before[0], after));
  }
}
