package eu.runlater.platform.errors;

import eu.runlater.engine.FailureStreak;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.TransactionSystemException;

/**
 * Why the database cannot serve a request right now, read from an error's causes: it is
 * unreachable, restarting, out of connections or memory ({@link #UNREACHABLE}), or out of disk
 * space ({@link #STORAGE_FULL}). The answer is a 503 with {@code Retry-After}: nothing is wrong
 * with the request, and the same request sent later may succeed.
 *
 * <p>What counts, by SQLSTATE (PostgreSQL appendix A): class 08 (connection exception), class 53
 * (insufficient resources: 53100 disk full, 53200 out of memory, 53300 too many connections), 57P01
 * to 57P03 (the server is shutting down, crashed, or not yet accepting connections), 57014 (a
 * statement cancelled by a timeout), class 58 (system and I/O errors), 25006 (a read-only standby);
 * and the JDBC types of a lost or unavailable connection ({@link SQLTransientConnectionException}
 * is the pool's "no connection within the timeout"); and a commit or rollback that failed in the
 * driver. A constraint violation, a syntax error or a deadlock is not an outage and is left to the
 * other handlers.
 */
public enum DatabaseUnavailable {
  UNREACHABLE(
      Duration.ofSeconds(5),
      "database-unavailable",
      "Database unavailable",
      "Runlater cannot reach its database right now (it may be restarting, or out of"
          + " connections), so this request was not carried out. Send it again after the"
          + " Retry-After seconds; with the same Idempotency-Key a repeat never creates twice."),
  STORAGE_FULL(
      Duration.ofSeconds(30),
      "storage-full",
      "Storage full",
      "Runlater's database is out of disk space, so it accepts no new work and this request was"
          + " not carried out. Send it again after the Retry-After seconds; the operator has to"
          + " free space (see the server's log).");

  /** How often, at most, answering 503s is logged while an outage lasts. */
  static final Duration LOG_EVERY = Duration.ofSeconds(30);

  private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - (1L << 62));
  private static final AtomicLong unlogged = new AtomicLong();

  private final Duration retryAfter;
  private final String type;
  private final String title;
  private final String detail;

  DatabaseUnavailable(Duration retryAfter, String type, String title, String detail) {
    this.retryAfter = retryAfter;
    this.type = type;
    this.title = title;
    this.detail = detail;
  }

  /** What {@code error} (or any of its causes) says about the database; empty when nothing. */
  public static Optional<DatabaseUnavailable> of(Throwable error) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    DatabaseUnavailable found = null;
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      DatabaseUnavailable here = classify(t);
      if (here == STORAGE_FULL) {
        return Optional.of(here);
      }
      found = found == null ? here : found;
      if (t instanceof SQLException sql && sql.getNextException() != null) {
        // A batch names its failed statement's cause as the next exception.
        DatabaseUnavailable next = classify(sql.getNextException());
        if (next == STORAGE_FULL) {
          return Optional.of(next);
        }
        found = found == null ? next : found;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether {@code error} (or any of its causes) says the database cannot serve now. */
  public static boolean explains(Throwable error) {
    return of(error).isPresent();
  }

  /**
   * A loop's run of failed passes, told once (see {@link FailureStreak}), that knows the database
   * being away as this class does (a failed commit too). Every server loop that touches the
   * database reports its passes to one.
   *
   * @param log the loop's logger, so the lines name the loop
   * @param what the loop's work, as the subject of a sentence ("Sweeping heartbeats")
   */
  public static FailureStreak failureStreak(Logger log, String what) {
    return new FailureStreak(log, what, DatabaseUnavailable::explains);
  }

  private static DatabaseUnavailable classify(Throwable t) {
    if (t instanceof TransactionSystemException failed
        && failed.getCause() instanceof SQLException) {
      // The driver failed to commit or roll back: the connection is gone (a commit refused for
      // a reason, such as a deferred constraint, is translated to another exception). When the
      // commit failed on a dropped session, Spring throws the failed rollback that followed,
      // whose cause is only the pool's "Connection is closed", without a SQLSTATE.
      return UNREACHABLE;
    }
    if (!(t instanceof SQLException sql)) {
      return null;
    }
    DatabaseUnavailable byState = bySqlState(sql.getSQLState());
    if (byState != null) {
      return byState;
    }
    if (sql instanceof SQLTransientConnectionException
        || sql instanceof SQLNonTransientConnectionException
        || sql instanceof SQLRecoverableException) {
      return UNREACHABLE;
    }
    return null;
  }

  /** The kind of outage a SQLSTATE names, or null for an error that is not one. */
  public static DatabaseUnavailable bySqlState(String state) {
    if (state == null || state.length() != 5) {
      return null;
    }
    if (state.equals("53100")) {
      return STORAGE_FULL;
    }
    String family = state.substring(0, 2);
    return switch (family) {
      case "08", "53", "58" -> UNREACHABLE;
      default ->
          switch (state) {
            case "57P01", "57P02", "57P03", "57014", "25006" -> UNREACHABLE;
            default -> null;
          };
    };
  }

  /** Seconds for the {@code Retry-After} header. */
  public long retryAfterSeconds() {
    return retryAfter.toSeconds();
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** The problem details of the 503 answer. */
  public ProblemDetail problem() {
    return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, type, title, detail);
  }

  /** The headers of the 503 answer. */
  public HttpHeaders headers() {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds()));
    return headers;
  }

  /**
   * Logs a 503 answered for this reason, at most one line every {@link #LOG_EVERY} (counting the
   * ones in between), so an outage under load does not flood the log with one stack trace per
   * request.
   */
  public void logAnswered(Logger log, String method, String path, Throwable error) {
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last < LOG_EVERY.toNanos() || !lastLogged.compareAndSet(last, now)) {
      unlogged.incrementAndGet();
      log.debug("Answered {} {} with 503 ({})", method, path, this, error);
      return;
    }
    long since = unlogged.getAndSet(0);
    log.warn(
        "Answering 503 ({}): the database cannot serve requests ({}){}",
        type,
        rootMessage(error),
        since == 0 ? "" : "; " + since + " more such answers since the last line");
  }

  /** The innermost SQL error's message (the driver's own words), else the error's. */
  public static String rootMessage(Throwable error) {
    return FailureStreak.describe(error);
  }
}
