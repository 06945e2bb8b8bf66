package eu.runlater.alerts;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Hands one message for one channel to the engine, in the caller's transaction: renders it in the
 * channel's shape, writes its row in the notification log and inserts its task (source kind {@code
 * alert}, source id the notification's id; secrets sealed; retried with backoff).
 */
@Component
class ChannelSender {

  /** Returns the notification's id. */
  UUID enqueue(Connection connection, UUID channelId, AlertMessage message) throws SQLException {
    throw new UnsupportedOperationException("built by the channels branch");
  }
}
