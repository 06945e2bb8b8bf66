package eu.runlater.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.testing.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An engine in a process of its own, for tests to kill with SIGKILL or pause with SIGSTOP.
 * Arguments: JDBC URL, node id, then optional {@code key=value} settings: {@code workers} (20),
 * {@code lease-margin} (1s), {@code poll-interval} (100ms), {@code maintenance-interval} (200ms),
 * {@code heartbeat-interval}, {@code dead-after} and {@code lookahead} (the engine's defaults),
 * durations as {@code 500ms}, {@code 2s} or {@code 1m}. Prints READY once it runs, then {@code
 * REJECTED <n>} whenever the count of its completions refused by their lease token changes; never
 * exits by itself.
 *
 * <p>{@link #start} runs one from a test and {@link Child} drives it.
 */
public final class EngineProcess {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    Map<String, String> options = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(url);
    pool.setUsername("postgres");
    pool.setMaximumPoolSize(8);
    EngineConfig.Builder config =
        EngineConfig.builder(args[1])
            .workers(Integer.parseInt(options.getOrDefault("workers", "20")))
            .leaseMargin(duration(options.getOrDefault("lease-margin", "1s")))
            .pollInterval(duration(options.getOrDefault("poll-interval", "100ms")))
            .maintenanceInterval(duration(options.getOrDefault("maintenance-interval", "200ms")));
    if (options.containsKey("heartbeat-interval")) {
      config.heartbeatInterval(duration(options.get("heartbeat-interval")));
    }
    if (options.containsKey("dead-after")) {
      config.deadAfter(duration(options.get("dead-after")));
    }
    if (options.containsKey("lookahead")) {
      config.lookahead(duration(options.get("lookahead")));
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Engine engine =
        Engine.builder(config.build())
            .database(
                new HikariDataSource(pool),
                () -> DriverManager.getConnection(url, "postgres", null))
            .http(new HttpDelivery(HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.0/8"))))
            .secrets(
                SecretBox.fromConfigured(SecretBox.generateKey()),
                org -> List.of(EngineFixture.SECRET))
            .meters(meters)
            .build();
    engine.start();
    System.out.println("READY");
    System.out.flush();
    double reported = 0;
    while (true) {
      double rejected = meters.counter("runlater.completions.rejected").count();
      if (rejected != reported) {
        reported = rejected;
        System.out.println("REJECTED " + (long) rejected);
        System.out.flush();
      }
      Thread.sleep(50);
    }
  }

  static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> throw new IllegalArgumentException("duration like 500ms, 2s or 1m: " + text);
    };
  }

  /** Starts an engine process on {@code database} and waits until it runs. */
  static Child start(String database, String nodeId, String... options) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java,
            // C1 only, as the test JVMs (the root pom's surefire.jvm.args).
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            EngineProcess.class.getName(),
            TestPostgres.jdbcUrl(database),
            nodeId));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Child child = new Child(process, nodeId);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.contains("READY")) {
        Thread.ofVirtual().start(() -> out.lines().forEach(child::read));
        return child;
      }
    }
    throw new AssertionError("the engine process " + nodeId + " exited before it was ready");
  }

  /** A running engine process: signals for it, and what it printed. */
  static final class Child implements AutoCloseable {
    final Process process;
    final String nodeId;
    private volatile long rejected;

    private Child(Process process, String nodeId) {
      this.process = process;
      this.nodeId = nodeId;
    }

    private void read(String line) {
      if (line.startsWith("REJECTED ")) {
        rejected = Long.parseLong(line.substring("REJECTED ".length()).strip());
      }
    }

    /** Completions this node had refused by their lease tokens, as it last printed. */
    long rejected() {
      return rejected;
    }

    /** SIGKILL: no shutdown hook, no goodbye; returns once the process is gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError(nodeId + " survived SIGKILL");
      }
    }

    /** SIGSTOP: the process freezes, its sockets stay open (the database sees it connected). */
    void pause() throws IOException, InterruptedException {
      signal("STOP");
    }

    /** SIGCONT: the process runs on from where it froze. */
    void resume() throws IOException, InterruptedException {
      signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
