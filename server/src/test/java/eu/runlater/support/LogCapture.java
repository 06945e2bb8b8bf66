package eu.runlater.support;

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

  @Override
  public void close() {
    logger.setLevel(before);
    logger.detachAppender(appender);
  }
}
