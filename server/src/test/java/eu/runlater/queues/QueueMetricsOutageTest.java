package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eu.runlater.support.HeldPool;
import eu.runlater.support.LogCapture;
import eu.runlater.support.ServerTest;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The queue metrics while the database cannot be reached: logged once, not once per refresh. */
class QueueMetricsOutageTest extends ServerTest {
  @Autowired QueueMetrics metrics;
  @Autowired DataSource dataSource;

  static final String READING = "Reading queue figures for the metrics";

  @Test
  void
      refreshes_failing_for_want_of_a_connection_log_one_warning_and_one_line_when_they_work_again()
          throws SQLException {
    // The context is shared: an earlier test's outage may have left a run of failures open (the
    // scheduled refresh failed then and has not run since). A good refresh first closes it.
    metrics.refresh();
    try (LogCapture logs = LogCapture.of(QueueMetrics.class)) {
      try (HeldPool held = HeldPool.hold(dataSource)) {
        for (int i = 0; i < 3; i++) {
          metrics.refresh();
        }
      }
      logs.assertOneOutageWarning(READING);
      assertThat(logs.at(Level.DEBUG)).hasSizeGreaterThanOrEqualTo(2);
      metrics.refresh();
      logs.assertOneRecovery(READING);
      assertThat(logs.at(Level.WARN)).hasSize(1);
    }
  }
}
