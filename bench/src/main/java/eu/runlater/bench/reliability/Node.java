package eu.runlater.bench.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Runlater server: the packaged jar in a JVM of its own, on its own port, with the shared
 * {@code DATABASE_URL} and {@code RUNLATER_SECRET_KEY}. Its output goes to {@code node-<n>.log}
 * (every start appends). It is stopped with SIGTERM ({@link #terminate}) or SIGKILL ({@link #kill})
 * and started again on the same port.
 */
final class Node {
  private static final Pattern API_KEY = Pattern.compile("API key\\s+(pk_live_\\S+)");
  private static final HttpClient HEALTH = HttpClient.newHttpClient();

  /** Every server process started, so none outlives the harness (Ctrl-C, SIGTERM, an error). */
  private static final java.util.Set<Process> LAUNCHED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LAUNCHED.forEach(Process::destroyForcibly)));
  }

  /** Where the build puts the extracted jar and its cache, relative to the repository. */
  private static final String APP = "server/target/app";

  final int index;
  final int port;
  private final Path jar;
  private final Path log;
  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final List<String> springArgs;
  private Process process;
  private long startedAt;

  Node(
      int index,
      Path jar,
      Path dir,
      Map<String, String> env,
      List<String> jvmOptions,
      List<String> springArgs)
      throws IOException {
    this.index = index;
    this.port = Database.freePort();
    this.jar = jar;
    this.log = dir.resolve("node-" + index + ".log");
    this.env = env;
    this.jvmOptions = jvmOptions;
    this.springArgs = springArgs;
  }

  String name() {
    return "node" + index;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Launches the process (does not wait for it to be ready). */
  void launch() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    Path cache = jar.resolveSibling("runlater.aot");
    ProcessBuilder pb = new ProcessBuilder(command);
    if (Files.exists(cache)) {
      // The extracted jar with its start-up cache, started as ./run starts it: the JDK's cache
      // records the class path as given (server/target/app/...), so the process runs from the
      // root of that layout (the battery's snapshot of it) and names the jar the same way.
      pb.directory(jar.getParent().getParent().getParent().getParent().toFile());
      command.addAll(
          List.of(
              "-XX:AOTCache=" + APP + "/runlater.aot",
              "-Xlog:aot=off",
              "-Xlog:cds=off",
              "-Dspring.aot.enabled=true"));
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", APP + "/runlater-server-exec.jar"));
    } else {
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString()));
    }
    command.addAll(springArgs);
    pb.environment().putAll(env);
    pb.environment().put("PORT", Integer.toString(port));
    pb.redirectErrorStream(true);
    Files.writeString(
        log,
        "%n=== %s launched at %s ===%n".formatted(name(), java.time.Instant.now()),
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    startedAt = System.nanoTime();
    process = pb.start();
    LAUNCHED.add(process);
  }

  /** Waits until {@code /health} answers 200; the time from launch, in ms. */
  long awaitReady(Duration patience) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(base().resolve("/health")).timeout(Duration.ofSeconds(5)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name() + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (HEALTH.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return (System.nanoTime() - startedAt) / 1_000_000;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name() + " not ready within " + patience + "; see " + log);
  }

  /** The API key the first start of an instance prints once, read from this node's log. */
  String printedApiKey() throws IOException {
    Matcher m = API_KEY.matcher(Files.readString(log));
    String key = null;
    while (m.find()) {
      key = m.group(1);
    }
    return key;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL; returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM; waits for the exit (up to {@code patience}); the ms it took, or -1 if it did not. */
  long terminate(Duration patience) throws InterruptedException {
    long t0 = System.nanoTime();
    process.destroy();
    if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The exit code if the process is gone, else null. */
  Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  /** The engine's node id of the running process starts with this (host-pid-random). */
  String nodeIdPattern() {
    return "%-" + pid() + "-%";
  }

  void stopQuietly() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
