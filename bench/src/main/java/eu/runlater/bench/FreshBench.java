package eu.runlater.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A freshly started node's warm-up (issue 18, target 3: "a freshly started node reaches its warm
 * throughput within 10 s"): the server jar started as a process of its own on an existing database
 * (schema, organization, key and queue made by a server started in this JVM first and stopped),
 * with or without the JDK's AOT cache as {@code ./run} starts it; from the instant {@code GET
 * /health} first answers 200, {@code concurrency} virtual threads of this JVM write one request at
 * a time for {@link #SECONDS} seconds (single pushes to a paused queue, or one-time jobs due in 30
 * days). Per second: requests answered 201, and their latency. Warm is the median throughput of the
 * window's last 20 seconds and the p99 of their latencies; the node is warm from the first second
 * after which every second keeps at least 90 % of warm throughput and a p99 at most twice warm p99.
 *
 * <p>This JVM's own client is warmed first (5 s of the same requests against the server in this
 * JVM), so what warms in the measured minute is the server.
 */
final class FreshBench {
  /** The measured window from ready ({@code -Dfresh.seconds}, 60 by default). */
  static final int SECONDS = Math.max(30, Integer.getInteger("fresh.seconds", 60));

  /** Warm is measured over the window's last 20 seconds. */
  static final int WARM_FROM = SECONDS - 20;

  /**
   * Extra options for the server's JVM ({@code -Dfresh.server-opts=-XX:…;-D…}: separated by spaces
   * or semicolons), to compare start-up levers; none by default.
   */
  private static final List<String> SERVER_OPTS =
      Arrays.stream(System.getProperty("fresh.server-opts", "").trim().split("[\\s;]+"))
          .filter(o -> !o.isEmpty())
          .toList();

  /** What the client writes. */
  enum Write {
    PUSH("push", "/api/v1/queues/fresh/messages"),
    CREATE("create", "/api/v1/jobs");

    final String label;
    final String path;

    Write(String label, String path) {
      this.label = label;
      this.path = path;
    }
  }

  /** The executable jar without the cache, and the extracted jar with its AOT cache. */
  private static final Path JAR = Path.of("server/target/runlater-server-exec.jar");

  private static final Path APP_JAR = Path.of("server/target/app/runlater-server-exec.jar");
  private static final Path CACHE = Path.of("server/target/app/runlater.aot");

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final Path dataDir;
  private final int concurrency;

  FreshBench(BenchPostgres pg, Sink sink, CpuMeter cpu, Path dataDir, int concurrency) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.dataDir = dataDir;
    this.concurrency = concurrency;
  }

  /** Whether the jars a case needs are built (the cache: {@code -Paot-cache}). */
  static boolean available(boolean aot) {
    return aot
        ? Files.isRegularFile(CACHE) && Files.isRegularFile(APP_JAR)
        : Files.isRegularFile(JAR);
  }

  /** One second of the measured minute: 2xx answers ending in it, and their latency. */
  record Second(long ok, long errors, Stats.Percentiles latency) {}

  /**
   * A fresh node's minute. {@code cpu}'s "jvm" is this client's JVM and the server process
   * together, so "others" is the rest of the machine.
   */
  record Warmup(
      double readyMillis,
      double warmPerSecond,
      double warmP99,
      int warmFrom,
      List<Second> seconds,
      double serverCoresFirst10,
      double serverCoresAfter10,
      CpuMeter.Usage cpu)
      implements Measured {}

  /** The seconds of a drive, and the p99 of every latency from second 40 on. */
  private record Minute(List<Second> seconds, double warmP99) {}

  Warmup run(Write write, boolean aot) throws Exception {
    if (!available(aot)) {
      throw new IllegalStateException(
          (aot ? CACHE : JAR)
              + " is missing: build it (./mvnw -o -Paot-cache -pl server -am package"
              + " -DskipTests) and run from the repository's root");
    }
    BenchServer prepared =
        BenchServer.start(
            pg,
            dataDir,
            "fresh_" + write.label + (aot ? "_aot" : ""),
            "--runlater.quotas.enforce=false");
    String key = prepared.apiKey();
    String database = prepared.database();
    List<String> args = new ArrayList<>(prepared.args());
    byte[] body = body(write);
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI inside = prepared.base();
      send(
          client,
          request(
              inside,
              key,
              "PUT",
              "/api/v1/queues/fresh",
              "{\"paused\": true}".getBytes(StandardCharsets.UTF_8)),
          200,
          201);
      // This client's JIT warms against the server in this JVM, not during the measured minute.
      drive(
          client, request(inside, key, "POST", write.path, body), System.nanoTime(), secs(5), null);
    } catch (Exception | Error e) {
      prepared.close();
      throw e;
    }
    prepared.stopKeepingDatabase();
    int port = OutsideQueueBench.freePort();
    args.replaceAll(a -> a.startsWith("--server.port=") ? "--server.port=" + port : a);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(SERVER_OPTS);
    if (aot) {
      // As ./run starts it, except that a cache it cannot use stops the start (AOTMode=on) instead
      // of measuring a start without it. The cache records the class path as the build named it
      // (server/target/app/…, from the repository's root), so the path is given the same way.
      command.addAll(
          List.of(
              "-XX:AOTCache=" + CACHE,
              "-XX:AOTMode=on",
              "-Dspring.aot.enabled=true",
              "-Xmx1g",
              "-jar",
              APP_JAR.toString()));
    } else {
      command.addAll(List.of("-Xmx1g", "-jar", JAR.toString()));
    }
    command.addAll(args);
    Path log = dataDir.resolve(database + ".log");
    Files.createDirectories(dataDir);
    long launched = System.nanoTime();
    Process server =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    URI base = URI.create("http://127.0.0.1:" + port);
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      long ready = OutsideQueueBench.awaitHealthy(client, base, server, log);
      CpuMeter.Sample before = cpu.sample();
      double serverAtReady = CpuMeter.cpuSeconds(server.pid());
      double[] serverAt = new double[2];
      Minute minute =
          drive(
              client,
              request(base, key, "POST", write.path, body),
              ready,
              secs(SECONDS),
              () -> {
                serverAt[0] = CpuMeter.cpuSeconds(server.pid());
                return null;
              });
      CpuMeter.Usage usage = CpuMeter.between(before, cpu.sample());
      serverAt[1] = CpuMeter.cpuSeconds(server.pid());
      double serverCores = (serverAt[1] - serverAtReady) / SECONDS;
      usage = usage.withOwnProcess(serverCores);
      List<Second> seconds = minute.seconds();
      double warm =
          Stats.median(
              seconds.subList(WARM_FROM, SECONDS).stream().map(s -> (double) s.ok()).toList());
      double warmP99 = minute.warmP99();
      int from = SECONDS;
      for (int s = SECONDS - 1; s >= 0; s--) {
        Second sec = seconds.get(s);
        if (sec.ok() < 0.9 * warm || !(sec.latency().p99() <= 2 * warmP99)) {
          break;
        }
        from = s;
      }
      return new Warmup(
          (ready - launched) / 1e6,
          warm,
          warmP99,
          from,
          seconds,
          (serverAt[0] - serverAtReady) / 10,
          (serverAt[1] - serverAt[0]) / (SECONDS - 10),
          usage);
    } finally {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
      pg.drop(database);
    }
  }

  /**
   * {@code concurrency} virtual threads send {@code request} one at a time until {@code from +
   * length}; answers are counted in the second (from {@code from}) in which they arrived. {@code
   * atTen} runs once, ten seconds in.
   */
  private Minute drive(
      HttpClient client,
      HttpRequest request,
      long from,
      Duration length,
      java.util.concurrent.Callable<Void> atTen)
      throws Exception {
    int n = (int) length.toSeconds();
    long end = from + length.toNanos();
    List<List<long[]>> perThread = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      List<long[]> mine = new ArrayList<>();
      perThread.add(mine);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    long start;
                    while ((start = System.nanoTime()) < end) {
                      int status;
                      try {
                        status =
                            client
                                .send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                      } catch (Exception e) {
                        status = -1;
                      }
                      long done = System.nanoTime();
                      mine.add(new long[] {done - from, done - start, status / 100 == 2 ? 1 : 0});
                    }
                  }));
    }
    if (atTen != null) {
      long ten = from + Duration.ofSeconds(10).toNanos();
      long wait = ten - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      atTen.call();
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] ok = new long[n];
    long[] errors = new long[n];
    List<List<Double>> latencies = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      latencies.add(new ArrayList<>());
    }
    List<Double> warm = new ArrayList<>();
    for (List<long[]> mine : perThread) {
      for (long[] r : mine) {
        int s = (int) (r[0] / 1_000_000_000L);
        if (s < 0 || s >= n) {
          continue;
        }
        if (r[2] == 1) {
          ok[s]++;
          latencies.get(s).add(r[1] / 1e6);
          if (s >= WARM_FROM) {
            warm.add(r[1] / 1e6);
          }
        } else {
          errors[s]++;
        }
      }
    }
    List<Second> seconds = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      seconds.add(
          new Second(
              ok[s],
              errors[s],
              Stats.Percentiles.of(
                  latencies.get(s).stream().mapToDouble(Double::doubleValue).toArray())));
    }
    return new Minute(
        seconds,
        Stats.Percentiles.of(warm.stream().mapToDouble(Double::doubleValue).toArray()).p99());
  }

  private byte[] body(Write write) {
    String json =
        switch (write) {
          case PUSH ->
              """
              {"url":"%s","body":%s}"""
                  .formatted(sink.uri(), new String(Payload.BODY, StandardCharsets.UTF_8));
          case CREATE ->
              """
              {"name":"b","url":"%s","schedule":{"type":"once","delay":"720h"}}"""
                  .formatted(sink.uri());
        };
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** An API request with the key and a JSON body. */
  private static HttpRequest request(
      URI base, String key, String method, String path, byte[] body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static void send(HttpClient client, HttpRequest request, int... expected)
      throws Exception {
    int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    if (Arrays.stream(expected).noneMatch(e -> e == status)) {
      throw new IllegalStateException(request.method() + " " + request.uri() + ": " + status);
    }
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }
}
