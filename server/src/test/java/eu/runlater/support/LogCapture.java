package eu.runlater.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What a class logs while the capture is open, from DEBUG up, whichever thread logs it. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> type) {
    logger = (Logger) LoggerFactory.getLogger(type);
    before = logger.getLevel();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  public static LogCapture of(Class<?> type) {
    return new LogCapture(type);
  }

  /** The events logged at {@code level}, in order. */
  public List<ILoggingEvent> at(Level level) {
    // The appender adds under its own lock.
    synchronized (appender) {
      return new ArrayList<>(appender.list).stream().filter(e -> e.getLevel() == level).toList();
    }
  }

  /**
   * Asserts that a run of failed passes of {@code what} was told as {@code FailureStreak} tells the
   * database being away: one warning, without a stack trace.
   */
  public void assertOneOutageWarning(String what) {
    assertThat(at(Level.WARN))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage())
                  .startsWith(what + " failed: the database is unavailable");
              assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
            });
  }

  /** Asserts one line saying {@code what} works again after {@code failures} failed passes. */
  public void assertOneRecovery(String what, int failures) {
    assertOneRecovery(what);
    assertThat(at(Level.INFO).getFirst().getFormattedMessage())
        .endsWith("(" + failures + " failed passes)");
  }

  /**
   * Asserts one line saying {@code what} works again (after however many failed passes: a scheduled
   * pass may have failed beside the test's).
   */
  public void assertOneRecovery(String what) {
    assertThat(at(Level.INFO))
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith(what + " works again"));
  }

  @Override
  public void close() {
    logger.setLevel(before);
    logger.detachAppender(appender);
  }
}
