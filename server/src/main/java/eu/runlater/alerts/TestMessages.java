package eu.runlater.alerts;

import eu.runlater.platform.web.PublicUrl;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The message "Send test" sends: one made-up failing job, so the channel shows what a real alert
 * looks like (its facts and links), marked as a test everywhere it shows.
 */
final class TestMessages {
  private TestMessages() {}

  static AlertMessage of(
      StoredChannel channel, String organizationName, Instant now, PublicUrl urls) {
    String log = urls.of("/notifications");
    AlertMessage.Item example =
        new AlertMessage.Item(
            null,
            "opened",
            "job",
            null,
            "example-job (test)",
            log,
            "failing",
            "failing (this is a test: nothing is broken)",
            now.minus(Duration.ofMinutes(5)),
            null,
            3,
            503,
            "HTTP 503",
            "Service Unavailable",
            null,
            null,
            null);
    return new AlertMessage(
        channel.organizationId(),
        organizationName,
        AlertMessage.TEST,
        "Test from Runlater: the " + channel.name() + " channel works",
        List.of(example),
        now,
        log);
  }
}
