package eu.runlater.bench;

import eu.runlater.RunlaterApplication;
import eu.runlater.accounts.ApiKeys;
import eu.runlater.accounts.Organizations;
import eu.runlater.accounts.Tier;
import eu.runlater.engine.crypto.SecretBox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

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
    String database = pg.freshDatabase("api");
    // Skip the first-start bootstrap (it prints a throwaway key); the benchmark makes its own.
    pg.execute(
        database, "INSERT INTO instance_settings (key, value) VALUES ('bootstrapped_at', 'bench')");
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(RunlaterApplication.class)
            .run(
                "--server.port=0",
                "--runlater.database-url=" + pg.jdbcUrl(database),
                "--runlater.data-dir=" + dataDir.resolve(database),
                "--runlater.engine.allow-private-targets=127.0.0.0/8",
                "--runlater.secret-key=" + SecretBox.generateKey(),
                "--logging.level.root=WARN",
                "--logging.register-shutdown-hook=false");
    try {
      int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
      String key = createApiKey(context, "bench-" + database.replace('_', '-'));
      try (Connection monitor = pg.connect(database)) {
        pg.resetStatements(monitor);
        Result result =
            drive(
                URI.create("http://127.0.0.1:" + port + "/api/v1/jobs"),
                key,
                warmup,
                measure,
                cpu,
                jfr);
        pg.printStatements(monitor, database);
        return result;
      }
    } finally {
      context.close();
      pg.drop(database);
    }
  }

  /**
   * An organization on the Pro tier and an API key for it, through the server's own services
   * ({@code Organizations#create}, {@code ApiKeys#create}).
   */
  private static String createApiKey(ConfigurableApplicationContext context, String slug) {
    UUID orgId = context.getBean(Organizations.class).create("Bench", slug, Tier.PRO).id();
    return context.getBean(ApiKeys.class).create(orgId, "bench", null).token();
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
