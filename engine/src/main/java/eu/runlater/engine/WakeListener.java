package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for "a task is due at T" notifications on a dedicated connection and wakes the local
 * producer for them. Each time it starts listening (first connect or after a lost connection) it
 * wakes the producer once, since notifications sent before are gone (the producer's own query then
 * finds what they announced).
 *
 * <p>A lost session (PostgreSQL restarted, or the network dropped it) is reopened within about a
 * second of the database accepting connections again ({@link FailureStreak}'s pacing); the outage
 * costs two log lines, one when it begins and one when the listener listens again.
 */
final class WakeListener {
  private static final Logger log = LoggerFactory.getLogger(WakeListener.class);
  private static final int WAIT_MS = 500;

  /** How often an idle listening session proves it is still alive. */
  private static final long CHECK_NANOS = 30_000_000_000L;

  /** How long {@link #start()} waits for the first session to listen. */
  private static final long READY_WAIT_MS = 5_000;

  private final ConnectionFactory connections;
  private final Wakeups wakeups;
  private final java.util.function.Consumer<java.util.UUID> onCancel;
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile boolean running;
  private Thread thread;

  WakeListener(
      ConnectionFactory connections,
      Wakeups wakeups,
      java.util.function.Consumer<java.util.UUID> onCancel) {
    this.connections = connections;
    this.wakeups = wakeups;
    this.onCancel = onCancel;
  }

  /**
   * Starts listening and waits (a few seconds at most) until the session listens, so that the
   * producer, started next, begins with the look this listener asks for rather than racing it. A
   * database that is down does not hold the start: the listener keeps retrying on its own.
   */
  void start() {
    running = true;
    thread = Thread.ofPlatform().name("runlater-listener").daemon().start(this::loop);
    try {
      if (!listening.await(READY_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("Wake-up listener not listening yet; starting without it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(WAIT_MS * 4L);
    }
  }

  private void loop() {
    FailureStreak failures = new FailureStreak(log, "The wake-up listener");
    while (running) {
      try (Connection c = SessionSettings.watched(connections.open())) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + TaskQueries.WAKE_CHANNEL);
          s.execute("LISTEN " + TaskQueries.CANCEL_CHANNEL);
        }
        failures.succeeded();
        // Notifications sent before this session listened went to nobody — while the node was
        // starting (the producer may already have looked and gone to sleep) or while we were
        // away: look now, once.
        wakeups.wake(Instant.EPOCH);
        listening.countDown();
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (running) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MS);
          if (System.nanoTime() - lastCheck > CHECK_NANOS) {
            // A silent session may be a dead one (a partition leaves no error to see).
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            lastCheck = System.nanoTime();
          }
          if (notifications == null || notifications.length == 0) {
            continue;
          }
          Instant earliest = null;
          for (PGNotification n : notifications) {
            if (TaskQueries.CANCEL_CHANNEL.equals(n.getName())) {
              try {
                onCancel.accept(java.util.UUID.fromString(n.getParameter()));
              } catch (IllegalArgumentException ignored) {
                // not one of ours
              }
              continue;
            }
            try {
              Instant at = Instant.ofEpochMilli(Long.parseLong(n.getParameter()));
              earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
            } catch (NumberFormatException ignored) {
              // not one of ours
            }
          }
          if (earliest != null) {
            wakeups.wake(earliest);
          }
        }
      } catch (SQLException | RuntimeException e) {
        // Lost (the database restarted, or went away): reconnect, and look once on listening
        // again, since what was notified meanwhile went to nobody. Never let the thread die.
        if (!running) {
          return;
        }
        try {
          Thread.sleep(failures.failed(e));
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }
}
