package eu.runlater.engine.http;

import java.net.UnknownHostException;

/** Thrown by the resolver when the lookup outlives the attempt's deadline. */
final class DeadlineExceededException extends UnknownHostException {
  DeadlineExceededException(String message) {
    super(message);
  }
}
