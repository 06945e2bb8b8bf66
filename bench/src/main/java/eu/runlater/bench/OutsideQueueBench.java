package eu.runlater.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One queue pushed and drained through the public API with the server as a process of its own, as a
 * user runs it: the executable jar ({@code server/target/runlater-server-exec.jar}, or {@code
 * --server-jar}) on a database of the benchmark's PostgreSQL (the same PostgreSQL db-scheduler runs
 * on), its engine at the server's defaults, an organization on the Pro tier. {@code n} messages are
 * batch-pushed ({@code POST /api/v1/messages/batch} of 1,000) to a paused queue of the given
 * parallelism, the queue is resumed ({@code PUT /api/v1/queues/{name}}), and the drain is timed
 * from the resume to the last request the sink answered. The schema, the organization and its key
 * are made by the server itself, started in this JVM first on the same database and stopped.
 */
final class OutsideQueueBench {
  private static final int BATCH = 1_000;
  private static final String BODY = new String(Payload.BODY, StandardCharsets.UTF_8);

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final Path dataDir;
  private final Path jar;

  OutsideQueueBench(BenchPostgres pg, Sink sink, CpuMeter cpu, Path dataDir, Path jar) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.dataDir = dataDir;
    this.jar = jar;
  }

  /**
   * A drain: deliveries per second, duplicates seen by the sink, and CPU: the server's process in
   * cores, and {@code cpu}, whose "jvm" is this JVM's and the server's together (as {@link
   * FreshBench}'s), so that "others" is the rest of the machine.
   */
  record Drain(
      double perSecond, long delivered, long duplicates, double serverCores, CpuMeter.Usage cpu)
      implements Measured {}

  Drain drain(int n, int parallelism) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it (./mvnw -pl server -am package -DskipTests) or name it"
              + " with --server-jar");
    }
    BenchServer prepared =
        BenchServer.start(
            pg, dataDir, "outside_p" + parallelism, "--runlater.quotas.enforce=false");
    String key = prepared.apiKey();
    String database = prepared.database();
    List<String> args = new ArrayList<>(prepared.args());
    prepared.stopKeepingDatabase();
    int port = freePort();
    args.replaceAll(a -> a.startsWith("--server.port=") ? "--server.port=" + port : a);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx1g", "-jar", jar.toString()));
    command.addAll(args);
    Path log = dataDir.resolve(database + ".log");
    Files.createDirectories(dataDir);
    Process server =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    URI base = URI.create("http://127.0.0.1:" + port);
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Connection monitor = pg.connect(database)) {
      awaitHealthy(client, base, server, log);
      Api api = new Api(client, base, key);
      String queue = "outside";
      api.put("/api/v1/queues/" + queue, "{\"parallelism\": %d, \"paused\": true}", parallelism);
      String batch = batch(queue, BATCH);
      for (int pushed = 0; pushed < n; pushed += BATCH) {
        api.post("/api/v1/messages/batch", batch);
      }
      long expected = (long) n / BATCH * BATCH;
      long sinkStart = sink.count();
      CpuMeter.Sample before = cpu.sample();
      double serverBefore = CpuMeter.cpuSeconds(server.pid());
      long start = System.nanoTime();
      api.put("/api/v1/queues/" + queue, "{\"parallelism\": %d, \"paused\": false}", parallelism);
      long deadline = start + Duration.ofMinutes(10).toNanos();
      while (sink.count() < sinkStart + expected && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long end = System.nanoTime();
      double serverCores =
          (CpuMeter.cpuSeconds(server.pid()) - serverBefore) / ((end - start) / 1e9);
      // The server is this benchmark's own process: its cores are not "others" disturbing it.
      CpuMeter.Usage usage = CpuMeter.between(before, cpu.sample()).withOwnProcess(serverCores);
      long delivered =
          QueueBench.awaitCount(
              monitor,
              "SELECT count(*) FROM messages m JOIN queues q ON q.id = m.queue_id"
                  + " WHERE q.name = ? AND m.state = 'delivered'",
              expected,
              ps -> ps.setString(1, queue));
      return new Drain(
          delivered * 1e9 / (end - start),
          delivered,
          sink.count() - sinkStart - delivered,
          serverCores,
          usage);
    } finally {
      server.destroy();
      if (!server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
      pg.drop(database);
    }
  }

  private String batch(String queue, int size) {
    String item =
        """
        {"queue":"%s","url":"%s","body":%s}"""
            .formatted(queue, sink.uri(), BODY);
    StringBuilder body = new StringBuilder(size * (item.length() + 1) + 20);
    body.append("{\"messages\":[");
    for (int i = 0; i < size; i++) {
      body.append(i == 0 ? "" : ",").append(item);
    }
    return body.append("]}").toString();
  }

  /**
   * Polls {@code GET /health} every 10 ms until the server answers 200 (up to five minutes: a
   * loaded two-core machine took more than two to start the jar); returns that instant ({@link
   * System#nanoTime}).
   */
  static long awaitHealthy(HttpClient client, URI base, Process server, Path log) throws Exception {
    HttpRequest health =
        HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server exited at start; its output: " + log);
      }
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the server did not become healthy in 5 minutes: " + log);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The few API calls the drain makes; any answer but 2xx stops the benchmark. */
  private record Api(HttpClient client, URI base, String key) {
    void put(String path, String json, Object... args) throws Exception {
      send(path, "PUT", json.formatted(args));
    }

    void post(String path, String json) throws Exception {
      send(path, "POST", json);
    }

    private void send(String path, String method, String json) throws Exception {
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + key)
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(json))
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
    }
  }
}
