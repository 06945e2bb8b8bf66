package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaderTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void exactly_one_node_leads_and_another_takes_over_when_its_session_dies() throws Exception {
    AtomicReference<Connection> firstSession = new AtomicReference<>();
    ConnectionFactory factory = fixture.dedicated();
    Leader first =
        new Leader(
            () -> {
              Connection c = factory.open();
              firstSession.set(c);
              return c;
            },
            "first");
    Leader second = new Leader(factory, "second");

    assertThat(first.runOnce()).isTrue();
    assertThat(second.runOnce()).isFalse();
    assertThat(first.runOnce()).as("leadership is re-confirmed on every pass").isTrue();
    assertThat(second.runOnce()).isFalse();

    // The leader's database session dies (its node crashed or was cut off).
    terminate(firstSession.get());
    assertThat(second.runOnce()).isTrue();
    assertThat(first.runOnce()).as("the old leader notices it lost the lock").isFalse();
    assertThat(first.isLeader()).isFalse();

    second.release();
    assertThat(first.runOnce()).isTrue();
    first.release();
  }

  private void terminate(Connection session) throws SQLException {
    int pid = session.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    try (Connection admin =
            DriverManager.getConnection(
                eu.runlater.testing.TestPostgres.jdbcUrl(fixture.database), "postgres", null);
        // With a timeout the call returns once the backend has exited and released its locks;
        // without one it only signals, and the next node's try-lock can still find it held.
        var s = admin.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
      s.setInt(1, pid);
      try (var rs = s.executeQuery()) {
        assertThat(rs.next() && rs.getBoolean(1)).as("the leader's session has ended").isTrue();
      }
    }
  }
}
