package eu.runlater.alerts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * The organization's channels: created and changed with their settings checked (a bad URL, a
 * private address, a malformed token is an {@code ApiProblem} 422 naming the field), secrets sealed
 * at rest and masked in every answer.
 */
@Service
class AlertChannels {

  /**
   * What a test message came to.
   *
   * @param status {@code delivered}, {@code failed} or {@code pending} (no answer yet within the
   *     wait)
   * @param answer the start of the target's answer (its response body, a mail relay's reply)
   */
  record TestResult(
      UUID notificationId, String status, Integer statusCode, String answer, String error) {}

  List<Channel> list(UUID organizationId) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  Optional<Channel> find(UUID organizationId, UUID id) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  Channel create(UUID organizationId, ChannelInput input) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  Channel update(UUID organizationId, UUID id, ChannelInput input) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  /**
   * Deletes a channel. One that rules name is refused with a 409 naming the rules, unless {@code
   * detach}: then it is taken out of them first.
   */
  void delete(UUID organizationId, UUID id, boolean detach) {
    throw new UnsupportedOperationException("built by the channels branch");
  }

  /** Sends a test message now and waits up to {@code wait} for its first attempt's answer. */
  TestResult sendTest(UUID organizationId, UUID id, Duration wait) {
    throw new UnsupportedOperationException("built by the channels branch");
  }
}
