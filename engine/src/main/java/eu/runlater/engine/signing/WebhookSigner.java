package eu.runlater.engine.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">}, one {@code v1,…} per secret, space-separated, so a receiver holding either
 * secret verifies during a rotation. Secrets are {@code whsec_<base64 key>}.
 */
public final class WebhookSigner {
  public static final String SECRET_PREFIX = "whsec_";

  private WebhookSigner() {}

  /** The {@code webhook-signature} header value for one message under each secret. */
  public static String signatureHeader(
      List<String> secrets, String messageId, long timestampSeconds, byte[] body) {
    List<String> signatures = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      signatures.add("v1," + sign(secret, messageId, timestampSeconds, body));
    }
    return String.join(" ", signatures);
  }

  /** The base64 HMAC-SHA256 of {@code id.timestamp.body} under a {@code whsec_} secret. */
  public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        mac.update(body);
      }
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  static byte[] key(String secret) {
    String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(6) : secret;
    return Base64.getDecoder().decode(encoded);
  }
}
