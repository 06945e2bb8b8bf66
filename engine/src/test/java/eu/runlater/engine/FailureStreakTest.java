package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.LoggerFactory;

/** A loop's failures in a row: told once, paced, and their end told. */
class FailureStreakTest {

  private static ListAppender<ILoggingEvent> capture(Logger logger) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    return appender;
  }

  @Test
  void an_outage_is_one_warning_then_quiet_retries_then_one_line_when_it_ends() {
    Logger logger = (Logger) LoggerFactory.getLogger("failure-streak-test");
    ListAppender<ILoggingEvent> log = capture(logger);
    FailureStreak streak = new FailureStreak(logger, "Claiming on node n1");
    SQLException refused =
        new PSQLException(
            "Connection to 127.0.0.1:5432 refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT);

    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waits.add(streak.failed(refused));
    }
    assertThat(streak.failing()).isTrue();
    streak.succeeded();
    assertThat(streak.failing()).isFalse();
    streak.succeeded();

    assertThat(log.list.stream().filter(e -> e.getLevel() == Level.WARN)).hasSize(1);
    ILoggingEvent warning = log.list.getFirst();
    assertThat(warning.getFormattedMessage())
        .startsWith("Claiming on node n1 failed: the database is unavailable");
    // The database being away needs no stack trace.
    assertThat(warning.getThrowableProxy()).isNull();
    assertThat(log.list.stream().filter(e -> e.getLevel() == Level.INFO))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("works again after", "20 failed passes"));
    assertThat(waits.getFirst()).isEqualTo(FailureStreak.FIRST_DELAY.toMillis());
    assertThat(waits).isSorted();
    assertThat(waits.getLast()).isEqualTo(FailureStreak.MAX_DELAY.toMillis());
  }

  @Test
  void an_unexpected_failure_keeps_its_stack_trace() {
    Logger logger = (Logger) LoggerFactory.getLogger("failure-streak-test-2");
    ListAppender<ILoggingEvent> log = capture(logger);
    new FailureStreak(logger, "Maintenance").failed(new IllegalStateException("a bug"));
    assertThat(log.list)
        .singleElement()
        .satisfies(e -> assertThat(e.getThrowableProxy()).isNotNull());
  }

  @Test
  void knows_the_database_being_away_or_full_from_a_wrong_statement() {
    for (String state : new String[] {"08006", "08001", "57P01", "57P03", "53100", "53300"}) {
      PSQLException e = new PSQLException(new ServerErrorMessage("SFATAL\0C" + state + "\0Mx\0"));
      assertThat(FailureStreak.isDatabaseUnavailable(new RuntimeException(e))).as(state).isTrue();
    }
    assertThat(FailureStreak.isDatabaseUnavailable(new SQLTransientConnectionException("pool")))
        .isTrue();
    assertThat(
            FailureStreak.isDatabaseUnavailable(
                new PSQLException(new ServerErrorMessage("SERROR\0C23505\0Mduplicate\0"))))
        .isFalse();
    assertThat(FailureStreak.isDatabaseUnavailable(new IllegalStateException("x"))).isFalse();
  }
}
