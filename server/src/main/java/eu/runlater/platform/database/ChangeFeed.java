package eu.runlater.platform.database;

import eu.runlater.engine.FailureStreak;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells a node's caches when what they hold may have changed, on any node. Rows read on every
 * request but written rarely (an API key, an organization's tier) are announced by triggers with
 * {@code NOTIFY} on {@link #CHANNEL}, naming a topic, once the change commits; this listener, on a
 * session of its own, counts them per topic.
 *
 * <p>A cache takes the topic's {@link #stamp} <em>before</em> it reads a row and keeps it with the
 * row; the row is good while the stamp is unchanged. A change committed after the stamp was taken
 * makes the entry stale, whether its notice arrives before or after the entry is stored. While the
 * listener is not listening (not yet, or its session lost) every stamp is {@link #UNTRUSTED}, and
 * caches read through without keeping anything; each new session changes every stamp, since what
 * was announced meanwhile went to nobody. So an entry is trusted only while the session that would
 * have heard of its change has listened without a break since it was read. A change made on this
 * node also calls {@link #changed}, so that this node's next request sees it at once rather than on
 * the notice's return; other nodes see it on the notice, milliseconds after the commit. A session
 * that dies silently (a partition leaves no error) is found by a {@code SELECT 1} every {@link
 * #CHECK_NANOS}, and a cache trusts an entry no longer than {@link #MAX_AGE_NANOS} in any case.
 */
@Component
public class ChangeFeed implements SmartLifecycle {
  public static final String CHANNEL = "runlater_changes";

  /** API keys and the tiers of their organizations ({@code apikeys} V4's triggers). */
  public static final String CREDENTIALS = "credentials";

  /** The stamp while not listening: nothing read now may be kept. */
  public static final long UNTRUSTED = -1;

  /** How long a cache may trust an entry at most, notices or not. */
  public static final long MAX_AGE_NANOS = 10_000_000_000L;

  static final long CHECK_NANOS = 5_000_000_000L;
  private static final int WAIT_MS = 500;
  private static final int NETWORK_TIMEOUT_MS = 5_000;
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

  private final DedicatedConnections connections;
  private final ConcurrentHashMap<String, AtomicLong> topics = new ConcurrentHashMap<>();
  private final AtomicLong sessions = new AtomicLong();
  private volatile boolean listening;
  private volatile boolean running;
  private volatile Thread thread;

  ChangeFeed(DedicatedConnections connections) {
    this.connections = connections;
  }

  /**
   * The topic's stamp now, to take before a read and compare later; {@link #UNTRUSTED} while not
   * listening.
   */
  public long stamp(String topic) {
    if (!listening) {
      return UNTRUSTED;
    }
    long session = sessions.get();
    long stamp = (session << 32) + counter(topic).get();
    // The session may have ended between the two reads: then nothing read now is to be kept.
    return listening && sessions.get() == session ? stamp : UNTRUSTED;
  }

  /**
   * A change to {@code topic} made on this node: entries read before it are stale from now, and
   * again once the caller's transaction (if any) commits, so that a read racing the commit is not
   * kept either. Other nodes hear of it from the trigger's notice.
   */
  public void changed(String topic) {
    AtomicLong counter = counter(topic);
    counter.incrementAndGet();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              counter.incrementAndGet();
            }
          });
    }
  }

  /** Whether the listener listens now. */
  public boolean listening() {
    return listening;
  }

  private AtomicLong counter(String topic) {
    return topics.computeIfAbsent(topic, t -> new AtomicLong());
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().name("runlater-changes").daemon().start(this::loop);
  }

  @Override
  public void stop() {
    running = false;
    listening = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(WAIT_MS * 4L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void loop() {
    FailureStreak failures = new FailureStreak(log, "The change listener");
    while (running) {
      try (Connection c = connections.open("runlater-changes")) {
        c.setAutoCommit(true);
        c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        failures.succeeded();
        sessions.incrementAndGet();
        listening = true;
        listen(c);
      } catch (SQLException | RuntimeException e) {
        listening = false;
        sessions.incrementAndGet();
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

  private void listen(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastCheck = System.nanoTime();
    while (running) {
      PGNotification[] notifications = pg.getNotifications(WAIT_MS);
      if (notifications != null) {
        for (PGNotification n : notifications) {
          counter(n.getParameter()).incrementAndGet();
        }
      }
      if (System.nanoTime() - lastCheck > CHECK_NANOS) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastCheck = System.nanoTime();
      }
    }
  }
}
