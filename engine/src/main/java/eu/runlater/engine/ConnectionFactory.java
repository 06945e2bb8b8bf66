package eu.runlater.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens connections the engine keeps to itself, outside the pool: the leader's lock connection
 * (losing it must mean losing leadership, so a pool must not recycle it) and the listener's.
 */
@FunctionalInterface
public interface ConnectionFactory {
  Connection open() throws SQLException;
}
