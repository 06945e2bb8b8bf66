package eu.runlater.bench;

import eu.runlater.engine.Header;
import eu.runlater.engine.Ids;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.engine.signing.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one request every phase sends: a 200-byte JSON POST to the sink.
 *
 * <p>The HTTP-only baselines send it through the engine's internal client ({@code
 * eu.runlater.engine.http}) and sign it as the engine does ({@code engine.signing}): they measure
 * that client by itself, which no API offers. The bench is the one place outside the engine that
 * reaches those packages, on purpose; the Runlater phase uses the engine's API only.
 */
final class Payload {
  static final byte[] BODY = body(200);
  static final List<Header> HEADERS = List.of(new Header("Content-Type", "application/json"));
  static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String USER_AGENT = "Runlater/bench";

  /** The sink listens on loopback, which deliveries may not reach by default. */
  static final String ALLOWED_TARGETS = "127.0.0.0/8";

  private Payload() {}

  /** Runlater's delivery client as the engine builds it, allowed to reach loopback. */
  static HttpDelivery httpDelivery(int workers) {
    return new HttpDelivery(
        HttpDeliveryConfig.defaults(AddressPolicy.parse(ALLOWED_TARGETS))
            .withUserAgent(USER_AGENT)
            .withMaxConnections(Math.max(64, workers)));
  }

  /**
   * The headers the engine sends with {@link #BODY} (Content-Type, User-Agent, the Standard
   * Webhooks id, timestamp and signature, the Runlater ids, attempt and traceparent), with fresh
   * ids and a signature computed per call: what a peer must send to make the same call.
   */
  static List<Header> signedHeaders() {
    Instant now = Instant.now();
    String taskId = Ids.v7(now).toString();
    long timestamp = now.getEpochSecond();
    byte[] span = new byte[8];
    ThreadLocalRandom.current().nextBytes(span);
    List<Header> headers = new ArrayList<>(11);
    headers.addAll(HEADERS);
    headers.add(new Header("User-Agent", USER_AGENT));
    headers.add(new Header("webhook-id", taskId));
    headers.add(new Header("webhook-timestamp", Long.toString(timestamp)));
    headers.add(new Header("Runlater-Job-Id", UUID.randomUUID().toString()));
    headers.add(new Header("Runlater-Task-Id", taskId));
    headers.add(new Header("Runlater-Execution-Id", Ids.v7(now).toString()));
    headers.add(new Header("Runlater-Attempt", "1"));
    headers.add(
        new Header(
            "traceparent",
            "00-" + taskId.replace("-", "") + "-" + HexFormat.of().formatHex(span) + "-01"));
    headers.add(
        new Header(
            "webhook-signature",
            WebhookSigner.signatureHeader(List.of(SECRET), taskId, timestamp, BODY)));
    return headers;
  }

  private static byte[] body(int size) {
    StringBuilder json = new StringBuilder("{\"event\":\"bench\",\"data\":\"");
    while (json.length() < size - 2) {
      json.append('x');
    }
    json.append("\"}");
    byte[] bytes = json.toString().getBytes(StandardCharsets.US_ASCII);
    if (bytes.length != size) {
      throw new IllegalStateException("body is " + bytes.length + " bytes");
    }
    return bytes;
  }
}
