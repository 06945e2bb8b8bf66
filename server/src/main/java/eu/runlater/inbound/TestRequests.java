package eu.runlater.inbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dashboard's "send test request": a sample JSON event, signed as the source's provider signs
 * (with the source's own secret), so that it passes the source's verification and is stored,
 * deduplicated and forwarded exactly as a provider's request is. Pure: it only builds the request.
 */
final class TestRequests {
  static final String PATH = "/test";
  static final String USER_AGENT = "Runlater-Test-Request";

  private TestRequests() {}

  /**
   * The sample request to {@code source}'s hosted URL {@code hostedUrl}, received at {@code at}.
   */
  static Received sample(Source source, String hostedUrl, String sourceIp, Instant at) {
    String eventId = "evt_test_" + UUID.randomUUID().toString().replace("-", "");
    byte[] body =
        ("{\"id\": \""
                + eventId
                + "\", \"type\": \"runlater.test\", \"created\": "
                + at.getEpochSecond()
                + ", \"data\": {\"message\": \"A test request sent from the Runlater dashboard\"}}")
            .getBytes(StandardCharsets.UTF_8);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Content-Type", "application/json"));
    headers.add(Map.entry("User-Agent", USER_AGENT));
    String query = null;
    VerificationSpec v = source.verification();
    String ts = Long.toString(at.getEpochSecond());
    String secret = v.secret();
    switch (v.type()) {
      case NONE -> {}
      case STRIPE ->
          headers.add(
              Map.entry(
                  "Stripe-Signature", "t=" + ts + ",v1=" + hex(hmac256(secret, ts + ".", body))));
      case PADDLE ->
          headers.add(
              Map.entry(
                  "Paddle-Signature", "ts=" + ts + ";h1=" + hex(hmac256(secret, ts + ":", body))));
      case GITHUB -> {
        headers.add(Map.entry("X-GitHub-Event", "ping"));
        headers.add(Map.entry("X-GitHub-Delivery", UUID.randomUUID().toString()));
        headers.add(Map.entry("X-Hub-Signature-256", "sha256=" + hex(hmac256(secret, "", body))));
      }
      case SHOPIFY ->
          headers.add(Map.entry("X-Shopify-Hmac-Sha256", b64(hmac256(secret, "", body))));
      case LEMON_SQUEEZY -> headers.add(Map.entry("X-Signature", hex(hmac256(secret, "", body))));
      case SLACK -> {
        headers.add(Map.entry("X-Slack-Request-Timestamp", ts));
        headers.add(
            Map.entry("X-Slack-Signature", "v0=" + hex(hmac256(secret, "v0:" + ts + ":", body))));
      }
      case TWILIO -> {
        // A JSON body is signed through the URL's bodySHA256 parameter.
        query = "bodySHA256=" + hex(sha256(body));
        byte[] mac = Verifier.mac("HmacSHA1", utf8(secret), utf8(hostedUrl + PATH + "?" + query));
        headers.add(Map.entry("X-Twilio-Signature", b64(mac)));
      }
      case STANDARD_WEBHOOKS -> {
        String id = "msg_" + eventId;
        headers.add(Map.entry("webhook-id", id));
        headers.add(Map.entry("webhook-timestamp", ts));
        try {
          byte[] key =
              Base64.getDecoder()
                  .decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
          byte[] mac = Verifier.mac("HmacSHA256", key, concat(utf8(id + "." + ts + "."), body));
          headers.add(Map.entry("webhook-signature", "v1," + b64(mac)));
        } catch (IllegalArgumentException e) {
          // A secret that is no base64 key signs nothing: the request is rejected, and says why.
        }
      }
      case HMAC -> {
        byte[] mac = Verifier.mac(v.algorithm().mac(), utf8(secret), body);
        String signature = "base64".equals(v.encoding()) ? b64(mac) : hex(mac);
        headers.add(Map.entry(v.header(), (v.prefix() == null ? "" : v.prefix()) + signature));
      }
      case BASIC_AUTH ->
          headers.add(
              Map.entry("Authorization", "Basic " + b64(utf8(v.username() + ":" + secret))));
      case API_KEY -> headers.add(Map.entry(v.header(), secret));
    }
    return new Received(
        "POST",
        PATH,
        query,
        List.copyOf(headers),
        body,
        body.length,
        "application/json",
        sourceIp,
        hostedUrl + PATH + (query == null ? "" : "?" + query),
        at);
  }

  private static byte[] hmac256(String secret, String before, byte[] body) {
    return Verifier.mac("HmacSHA256", utf8(secret), concat(utf8(before), body));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
