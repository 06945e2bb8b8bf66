package eu.runlater.platform.database;

import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The JDBC connection of the current Spring transaction, for the engine's plain-JDBC calls ({@code
 * Tasks.insert}) to join the caller's transaction: a task commits with the change that made it, or
 * not at all.
 */
@Component
public class TransactionalConnection {
  private final DataSource dataSource;

  public TransactionalConnection(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The transaction's connection; Spring closes it when the transaction ends. */
  public Connection current() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()) {
      throw new IllegalStateException("engine writes must run inside a transaction");
    }
    return DataSourceUtils.getConnection(dataSource);
  }
}
