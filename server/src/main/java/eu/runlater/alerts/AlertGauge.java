package eu.runlater.alerts;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A measurement that opens and closes incidents (a queue's depth, the organization's usage): the
 * leader runs each gauge bean every gauge interval, in a transaction of its own, and the gauge
 * reports through {@link AlertSignals#condition} on the connection it is given.
 */
public interface AlertGauge {
  void measure(Connection connection, Instant now) throws SQLException;
}
