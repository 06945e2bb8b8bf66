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
 * Starts the embedded PostgreSQL on a thread of its own as soon as the configuration is known, so
 * that its start (on a fresh data directory: the binaries unpacked and initdb; on a restart: the
 * server's own start and recovery) runs beside Spring building the application context instead of
 * after the first half of it. {@link EmbeddedDatabase#start} hands the database started here to the
 * database bean ({@code DatabaseConfig}) when the data directory is the same one, and starts one
 * itself otherwise. If the application fails before it took the database, the database is stopped
 * here.
 *
 * <p>Only {@code main} registers this listener: tests set their database after the environment is
 * prepared, so a listener that every application ran could start an embedded database beside a
 * test's own.
 */
public final class EmbeddedDatabaseEarlyStart
    implements ApplicationListener<SpringApplicationEvent> {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseEarlyStart.class);
  private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

  private record Pending(Path dataDir, CompletableFuture<EmbeddedDatabase> database) {}

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
      begin(prepared.getEnvironment());
    } else if (event instanceof ApplicationFailedEvent) {
      abandon();
    }
  }

  private static void begin(ConfigurableEnvironment environment) {
    if (Boolean.getBoolean("spring.aot.processing")) {
      // The build's Spring AOT processing runs main to read the bean definitions: no database.
      return;
    }
    Binder binder = Binder.get(environment);
    String url = binder.bind("runlater.database-url", String.class).orElse("");
    if (!url.isBlank()) {
      return;
    }
    String dir = binder.bind("runlater.data-dir", String.class).orElse("");
    Path dataDir = dir.isBlank() ? RunlaterProperties.DEFAULT_DATA_DIR : Path.of(dir);
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
