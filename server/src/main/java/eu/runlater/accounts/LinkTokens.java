package eu.runlater.accounts;

import eu.runlater.platform.crypto.Sha256;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secret in a mailed link (sign-in, reset, invite, setup): 256 random bits, URL-safe. Only its
 * SHA-256 ({@link Sha256}) is ever stored.
 */
public final class LinkTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private LinkTokens() {}

  /** The SHA-256 of {@code token}, as text (for a session attribute). */
  static String hashText(String token) {
    return Base64.getEncoder().encodeToString(Sha256.of(token));
  }

  public static String generate() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
