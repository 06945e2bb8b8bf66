package eu.runlater.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A verifier written from the Standard Webhooks specification's text, independent of the engine's
 * signer: "The content to sign is composed by concatenating the id, timestamp and payload,
 * separated by the full-stop character (.)"; the signature is the base64 HMAC-SHA256 under the
 * secret's base64-decoded bytes (the part after "whsec_"); the header holds a space-delimited list
 * of signatures, each prefixed by its version and a comma ("v1,"); the receiver accepts when any v1
 * signature matches (constant-time comparison) and the timestamp is within the tolerance.
 */
public final class StandardWebhooksVerifier {
  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private final byte[] key;

  public StandardWebhooksVerifier(String secret) {
    String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    this.key = Base64.getDecoder().decode(b64);
  }

  public boolean verify(String id, String timestamp, String signatureHeader, byte[] payload) {
    if (id == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    long ts = Long.parseLong(timestamp);
    if (Duration.between(Instant.ofEpochSecond(ts), Instant.now()).abs().compareTo(TOLERANCE) > 0) {
      return false;
    }
    byte[] expected = expected(id, timestamp, payload);
    for (String part : signatureHeader.split(" ")) {
      int comma = part.indexOf(',');
      if (comma < 0 || !part.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given = Base64.getDecoder().decode(part.substring(comma + 1));
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  private byte[] expected(String id, String timestamp, byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] content = new byte[prefix.length + payload.length];
      System.arraycopy(prefix, 0, content, 0, prefix.length);
      System.arraycopy(payload, 0, content, prefix.length, payload.length);
      return mac.doFinal(content);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
