package eu.runlater.monitors;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable keys: ping tokens, ping keys, badge keys (128 random bits, URL-safe, 22 chars). */
final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  static String next() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
