package eu.runlater.engine;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * One loop's run of failed passes (the database away, restarting or full), told once and paced. The
 * engine's loops use it, and so do the server's (its background loops, metrics, live feed and
 * purges): one mechanism, one wording in the log.
 *
 * <p>Logging: the first failure is one warning (with the stack trace only when the cause is not the
 * database being unavailable, which needs no trace), then one reminder every {@link #REMIND_EVERY}
 * while failures last, and one info line when a pass succeeds again, saying how long it took. A
 * PostgreSQL restart thus costs each loop two lines, not a stack trace per pass.
 *
 * <p>Pacing: {@link #failed} returns how long to wait before the next try, doubling from {@link
 * #FIRST_DELAY} up to {@link #MAX_DELAY}. The cap is short on purpose: while the database is away
 * each try already waits for a connection (the pool's timeout) or fails on a refused connect, which
 * costs nothing, and a short cap lets the loop resume within about a second of the database being
 * back.
 *
 * <p>Not thread-safe: one loop, one thread (or callers that hold a lock).
 */
public final class FailureStreak {
  public static final Duration FIRST_DELAY = Duration.ofMillis(50);
  public static final Duration MAX_DELAY = Duration.ofSeconds(1);
  public static final Duration REMIND_EVERY = Duration.ofMinutes(5);

  private final Logger log;
  private final String what;
  private final Predicate<Throwable> unavailable;
  private long failures;
  private long since;
  private long remindedAt;
  private long delayMs;

  /**
   * A streak that tells the database being away by {@link #isDatabaseUnavailable}.
   *
   * @param log the loop's logger, so the lines name the loop
   * @param what the loop's work, as the subject of a sentence ("Claiming on node n1")
   */
  public FailureStreak(Logger log, String what) {
    this(log, what, FailureStreak::isDatabaseUnavailable);
  }

  /**
   * A streak that tells the database being away by {@code unavailable} instead: a caller whose
   * errors come wrapped in its framework's exceptions (a failed commit without a SQLSTATE) knows
   * more of them than {@link #isDatabaseUnavailable} does.
   *
   * @param log the loop's logger, so the lines name the loop
   * @param what the loop's work, as the subject of a sentence ("Sweeping heartbeats")
   * @param unavailable whether an error (or a cause) says the database cannot serve now
   */
  public FailureStreak(Logger log, String what, Predicate<Throwable> unavailable) {
    this.log = log;
    this.what = what;
    this.unavailable = unavailable;
  }

  /** Whether the last pass failed. */
  public boolean failing() {
    return failures > 0;
  }

  /**
   * Reports a failed pass; returns how many milliseconds to wait before the next (a loop with a
   * pace of its own may ignore it).
   */
  public long failed(Exception e) {
    long now = System.nanoTime();
    failures++;
    if (failures == 1) {
      since = now;
      remindedAt = now;
      delayMs = FIRST_DELAY.toMillis();
      if (unavailable.test(e)) {
        log.warn(
            "{} failed: the database is unavailable ({}); retrying quietly until it works",
            what,
            describe(e));
      } else {
        log.warn("{} failed; retrying quietly until it works", what, e);
      }
    } else {
      delayMs = Math.min(delayMs * 2, MAX_DELAY.toMillis());
      if (now - remindedAt >= REMIND_EVERY.toNanos()) {
        remindedAt = now;
        log.warn(
            "{} still failing after {} s ({} passes): {}",
            what,
            (now - since) / 1_000_000_000,
            failures,
            describe(e));
      } else {
        log.debug("{} failed again", what, e);
      }
    }
    return delayMs;
  }

  /** Reports a good pass: ends (and logs the end of) a run of failures. */
  public void succeeded() {
    if (failures > 0) {
      log.info(
          "{} works again after {} ms ({} failed passes)",
          what,
          (System.nanoTime() - since) / 1_000_000,
          failures);
      failures = 0;
    }
  }

  /**
   * Whether {@code error} or a cause says the database cannot serve now rather than that a
   * statement is wrong: SQLSTATE class 08 (connection), 53 (insufficient resources: disk full, out
   * of memory, too many connections), 58 (system, I/O), 57P01 to 57P03 (shutting down, crashed,
   * starting), 57014 (cancelled by a timeout), 25006 (a read-only standby), or the JDBC types of a
   * lost connection.
   */
  public static boolean isDatabaseUnavailable(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql
          && (unavailableState(sql.getSQLState())
              || sql.getNextException() != null
                  && unavailableState(sql.getNextException().getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The innermost SQL error (the driver's own words), else the error itself, as "Type: message":
   * what a log line says of a failure whose stack trace it leaves out.
   */
  public static String describe(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable shown = error;
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLException) {
        shown = t;
      }
    }
    return shown.getClass().getSimpleName() + ": " + shown.getMessage();
  }

  static boolean unavailableState(String state) {
    if (state == null || state.length() != 5) {
      return false;
    }
    return switch (state.substring(0, 2)) {
      case "08", "53", "58" -> true;
      default ->
          switch (state) {
            case "57P01", "57P02", "57P03", "57014", "25006" -> true;
            default -> false;
          };
    };
  }
}
