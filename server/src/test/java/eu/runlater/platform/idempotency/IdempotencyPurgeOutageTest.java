package eu.runlater.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import eu.runlater.support.HeldPool;
import eu.runlater.support.LogCapture;
import eu.runlater.support.ServerTest;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The hourly purge of idempotency keys while the database cannot be reached: logged once. */
class IdempotencyPurgeOutageTest extends ServerTest {
  @Autowired IdempotencyStore store;
  @Autowired DataSource dataSource;

  static final String PURGE = "Forgetting expired idempotency keys";

  @Test
  void purges_failing_for_want_of_a_connection_log_one_warning_and_one_line_when_they_work_again()
      throws SQLException {
    // The context is shared: an earlier test's outage may have left a run of failures open. A
    // good purge first closes it.
    store.purge();
    try (LogCapture logs = LogCapture.of(IdempotencyStore.class)) {
      try (HeldPool held = HeldPool.hold(dataSource)) {
        for (int i = 0; i < 3; i++) {
          store.purge();
        }
      }
      logs.assertOneOutageWarning(PURGE);
      store.purge();
      logs.assertOneRecovery(PURGE);
      assertThat(logs.at(Level.WARN)).hasSize(1);
    }
  }
}
