package eu.runlater.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which errors are the database being away or full, read from the driver's own exceptions. */
class DatabaseUnavailableTest {

  /** A PostgreSQL error as the driver builds it from the server's message. */
  private static PSQLException server(String sqlState, String message) {
    return new PSQLException(
        new ServerErrorMessage("SERROR\0VERROR\0C" + sqlState + "\0M" + message + "\0"));
  }

  @Test
  void disk_full_from_the_server_is_storage_full_however_deeply_wrapped() {
    PSQLException full = server("53100", "could not extend file: No space left on device");
    assertThat(full.getSQLState()).isEqualTo("53100");
    assertThat(DatabaseUnavailable.of(full)).contains(DatabaseUnavailable.STORAGE_FULL);
    assertThat(
            DatabaseUnavailable.of(
                new IllegalStateException(
                    "could not enqueue", new DataAccessResourceFailureException("insert", full))))
        .contains(DatabaseUnavailable.STORAGE_FULL);
    // A batch names the failing statement's error as its next exception.
    BatchUpdateException batch =
        new BatchUpdateException("Batch entry 0 was aborted", null, 0, null);
    batch.setNextException(full);
    assertThat(DatabaseUnavailable.of(batch)).contains(DatabaseUnavailable.STORAGE_FULL);
    assertThat(DatabaseUnavailable.STORAGE_FULL.retryAfterSeconds()).isEqualTo(30);
  }

  @Test
  void a_lost_or_refused_connection_a_shutdown_and_exhausted_resources_are_unreachable() {
    for (String state :
        new String[] {"08001", "08006", "08003", "57P01", "57P03", "53300", "53200"}) {
      assertThat(DatabaseUnavailable.of(server(state, "x")))
          .as(state)
          .contains(DatabaseUnavailable.UNREACHABLE);
    }
    assertThat(
            DatabaseUnavailable.of(
                new PSQLException("Connection refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)))
        .contains(DatabaseUnavailable.UNREACHABLE);
    // The pool's "no connection within the timeout", with and without a cause.
    assertThat(
            DatabaseUnavailable.of(
                new CannotCreateTransactionException(
                    "no connection",
                    new SQLTransientConnectionException("runlater - Connection is not available"))))
        .contains(DatabaseUnavailable.UNREACHABLE);
    // A commit on a dropped session: Spring throws the failed rollback that followed it.
    assertThat(
            DatabaseUnavailable.of(
                new TransactionSystemException(
                    "JDBC rollback failed", new SQLException("Connection is closed"))))
        .contains(DatabaseUnavailable.UNREACHABLE);
    assertThat(DatabaseUnavailable.UNREACHABLE.retryAfterSeconds()).isEqualTo(5);
  }

  @Test
  void a_wrong_statement_or_a_conflict_is_not_an_outage() {
    assertThat(DatabaseUnavailable.of(server("23505", "duplicate key"))).isEmpty();
    assertThat(DatabaseUnavailable.of(server("42P01", "relation does not exist"))).isEmpty();
    assertThat(DatabaseUnavailable.of(server("40P01", "deadlock detected"))).isEmpty();
    assertThat(
            DatabaseUnavailable.of(
                new DataIntegrityViolationException("x", new SQLException("x", "23503"))))
        .isEmpty();
    assertThat(DatabaseUnavailable.of(new IllegalStateException("boom"))).isEmpty();
    assertThat(DatabaseUnavailable.of(new SQLException("no state"))).isEmpty();
  }

  @Test
  void the_answer_is_a_problem_with_retry_after() {
    var problem = DatabaseUnavailable.UNREACHABLE.problem();
    assertThat(problem.getStatus()).isEqualTo(503);
    assertThat(problem.getType().toString()).endsWith("/database-unavailable");
    assertThat(problem.getTitle()).isEqualTo("Database unavailable");
    assertThat(DatabaseUnavailable.STORAGE_FULL.problem().getType().toString())
        .endsWith("/storage-full");
    assertThat(DatabaseUnavailable.UNREACHABLE.headers().getFirst("Retry-After")).isEqualTo("5");
  }
}
