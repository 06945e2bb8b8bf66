package eu.runlater.platform.database;

import eu.runlater.platform.RunlaterProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Starts the embedded PostgreSQL on a thread of its own before Spring has even read its
 * configuration, so that its start (on a fresh data directory: the template copied or the binaries
 * unpacked and initdb; on a restart: the server's own start and recovery) runs beside Spring
 * building the application context instead of after the first half of it. {@link #begin(String[])}
 * (first thing in {@code main}) guesses where the database lives from what a start is told before
 * any file is read: the command line, system properties and the environment ({@code
 * --runlater.data-dir} / {@code RUNLATER_DATA_DIR}, {@code --runlater.database-url} / {@code
 * DATABASE_URL}). Once the environment is prepared, the configuration decides: a guess that turns
 * out wrong (a database URL or another data directory set in a configuration file) is stopped, and
 * the right database, if embedded, is started then. {@link EmbeddedDatabase#start} hands the
 * database started here to the database bean ({@code DatabaseConfig}) when the data directory is
 * the same one, and starts one itself otherwise. If the application fails before it took the
 * database, the database is stopped here.
 *
 * <p>Only {@code main} uses this: tests set their database after the environment is prepared, so a
 * listener that every application ran could start an embedded database beside a test's own.
 */
public final class EmbeddedDatabaseEarlyStart
    implements ApplicationListener<SpringApplicationEvent> {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseEarlyStart.class);
  private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

  private record Pending(Path dataDir, CompletableFuture<EmbeddedDatabase> database) {}

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
      settle(prepared.getEnvironment());
    } else if (event instanceof ApplicationFailedEvent) {
      abandon();
    }
  }

  /**
   * The early guess, from {@code main}'s arguments, the system properties and the environment: the
   * embedded database starts now unless a database URL is given.
   */
  public static void begin(String[] args) {
    String url = setting(args, "runlater.database-url", "DATABASE_URL");
    if (url.isBlank() && !aotProcessing()) {
      start(dataDir(setting(args, "runlater.data-dir", "RUNLATER_DATA_DIR")));
    }
  }

  /** The configuration decides: a wrong guess is stopped, the right database started. */
  private static void settle(ConfigurableEnvironment environment) {
    if (aotProcessing()) {
      return;
    }
    Binder binder = Binder.get(environment);
    String url = binder.bind("runlater.database-url", String.class).orElse("");
    Pending pending = PENDING.get();
    if (!url.isBlank()) {
      // An external database after all: the embedded one guessed from the environment goes.
      abandon();
      return;
    }
    Path dataDir = dataDir(binder.bind("runlater.data-dir", String.class).orElse(""));
    if (pending != null && !pending.dataDir().equals(key(dataDir))) {
      abandon();
    }
    start(dataDir);
  }

  /** One of {@code --name=value}, the system property {@code name}, the variable {@code env}. */
  static String setting(String[] args, String name, String env) {
    String value = "";
    for (String arg : args) {
      if (arg.startsWith("--" + name + "=")) {
        value = arg.substring(name.length() + 3);
      }
    }
    if (value.isBlank()) {
      value = System.getProperty(name, "");
    }
    if (value.isBlank()) {
      value = System.getenv().getOrDefault(env, "");
    }
    return value;
  }

  private static Path dataDir(String dir) {
    return dir.isBlank() ? RunlaterProperties.DEFAULT_DATA_DIR : Path.of(dir);
  }

  // The build's Spring AOT processing runs main to read the bean definitions: no database.
  private static boolean aotProcessing() {
    return Boolean.getBoolean("spring.aot.processing");
  }

  /** Starts the database for {@code dataDir} on a thread of its own, unless one is pending. */
  private static void start(Path dataDir) {
    CompletableFuture<EmbeddedDatabase> database = new CompletableFuture<>();
    Pending pending = new Pending(key(dataDir), database);
    if (!PENDING.compareAndSet(null, pending)) {
      return;
    }
    Thread.ofPlatform()
        .name("embedded-postgres-start")
        .daemon()
        .start(
            () -> {
              try {
                database.complete(EmbeddedDatabase.startNow(dataDir));
              } catch (Throwable e) {
                database.completeExceptionally(e);
              }
            });
  }

  /** The database started early for {@code dataDir} (waiting for it), or a new start of it. */
  static EmbeddedDatabase takeOrStart(Path dataDir) {
    Pending pending = PENDING.getAndSet(null);
    if (pending == null) {
      return EmbeddedDatabase.startNow(dataDir);
    }
    if (!pending.dataDir().equals(key(dataDir))) {
      stop(pending);
      return EmbeddedDatabase.startNow(dataDir);
    }
    try {
      return pending.database().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Whether a start for {@code dataDir} is pending (begun, not yet taken by the bean). */
  static boolean pendingFor(Path dataDir) {
    Pending pending = PENDING.get();
    return pending != null && pending.dataDir().equals(key(dataDir));
  }

  /** The application failed before the database bean took it: stop it rather than orphan it. */
  private static void abandon() {
    Pending pending = PENDING.getAndSet(null);
    if (pending != null) {
      stop(pending);
    }
  }

  private static void stop(Pending pending) {
    try {
      pending.database().join().close();
    } catch (CompletionException | IOException e) {
      log.warn("Stopping the embedded PostgreSQL in {} failed", pending.dataDir(), e);
    }
  }

  private static Path key(Path dataDir) {
    return dataDir.toAbsolutePath().normalize();
  }
}
