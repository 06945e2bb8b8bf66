package eu.runlater.platform.database;

import java.time.Duration;

/**
 * How long a statement may wait for the database to answer, by who runs it. The bound is the JDBC
 * network (socket) timeout: it ends a wait on a database that went silent mid-statement (a host
 * that froze, a network that drops packets) and breaks that connection; a database that is merely
 * down or restarting fails sooner, at the connect or on a closed socket.
 *
 * <ul>
 *   <li>An HTTP request: {@link #REQUEST}, so an API call or a page answers (with a 503) within a
 *       few seconds instead of hanging. Set on every connection a request thread takes from the
 *       pool (see {@link #enterRequest()}); the pool puts the default back when it is returned.
 *   <li>Everything else on the pool (the engine's claims and completions, background loops,
 *       maintenance): {@link #BACKGROUND}, only a backstop so that no loop waits forever on a
 *       silent database. Far above any of Runlater's statements, which take milliseconds, or
 *       seconds for a batch of a thousand under load.
 *   <li>Migrations: none ({@link Migrations} lifts it), since a migration on a large table may
 *       legitimately run for minutes.
 * </ul>
 */
public final class StatementTimeouts {
  /** The longest a request's statement waits on a silent database. */
  public static final Duration REQUEST = Duration.ofSeconds(10);

  /** The pool's default, for work outside requests; see the class comment. */
  public static final Duration BACKGROUND = Duration.ofSeconds(120);

  private static final ThreadLocal<Boolean> IN_REQUEST = new ThreadLocal<>();

  private StatementTimeouts() {}

  /**
   * Marks this thread as serving a request until {@link #exitRequest(boolean)}; returns what to
   * pass it (whether it already was, for a nested dispatch).
   */
  public static boolean enterRequest() {
    boolean was = Boolean.TRUE.equals(IN_REQUEST.get());
    IN_REQUEST.set(Boolean.TRUE);
    return was;
  }

  public static void exitRequest(boolean was) {
    if (!was) {
      IN_REQUEST.remove();
    }
  }

  /** The network timeout for a connection taken now on this thread, in ms; 0 for the default. */
  static int forThisThread() {
    return Boolean.TRUE.equals(IN_REQUEST.get()) ? (int) REQUEST.toMillis() : 0;
  }
}
