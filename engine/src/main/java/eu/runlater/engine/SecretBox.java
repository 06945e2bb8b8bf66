package eu.runlater.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of stored secrets (AES-256-GCM, random 96-bit nonce per value).
 *
 * <p>Sealed format: {@code version(1) | nonce(12) | ciphertext+tag}. A value sealed under another
 * key, or tampered with, fails to open with {@link SecretBoxException} rather than yielding
 * garbage.
 */
public final class SecretBox {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("secret key must be 32 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A box for a raw 256-bit key. */
  public static SecretBox ofKey(byte[] key) {
    return new SecretBox(key.clone());
  }

  /** PBKDF2-HMAC-SHA256 rounds for a passphrase (OWASP's 2023 figure: at least 600,000). */
  public static final int PASSPHRASE_ITERATIONS = 600_000;

  /** The shortest passphrase accepted. */
  public static final int MIN_PASSPHRASE = 32;

  /**
   * A box for a configured key that is 32 bytes in base64 ({@code openssl rand -base64 32}).
   *
   * @throws IllegalArgumentException for anything else, a passphrase included (a passphrase needs
   *     the instance's salt: {@link #fromConfigured(String, byte[])})
   */
  public static SecretBox fromConfigured(String configured) {
    byte[] raw = rawKey(configured);
    if (raw == null) {
      throw new IllegalArgumentException(
          "RUNLATER_SECRET_KEY must be 32 bytes in base64 (generate one with `openssl rand"
              + " -base64 32`) or a passphrase of at least "
              + MIN_PASSPHRASE
              + " characters");
    }
    return new SecretBox(raw);
  }

  /**
   * A box for a configured key: 32 bytes in base64 ({@code openssl rand -base64 32}), used as is,
   * or a passphrase of at least 32 characters, stretched with PBKDF2-HMAC-SHA256 ({@value
   * #PASSPHRASE_ITERATIONS} rounds) over {@code salt}.
   */
  public static SecretBox fromConfigured(String configured, byte[] salt) {
    byte[] raw = rawKey(configured);
    if (raw != null) {
      return new SecretBox(raw);
    }
    String passphrase = passphrase(configured);
    try {
      var spec =
          new javax.crypto.spec.PBEKeySpec(
              passphrase.toCharArray(), salt, PASSPHRASE_ITERATIONS, 256);
      byte[] key =
          javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
              .generateSecret(spec)
              .getEncoded();
      spec.clearPassword();
      return new SecretBox(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The box this passphrase made before passphrases were stretched (one SHA-256), only to open
   * values sealed then; null when {@code configured} is a base64 key, which was always used as is.
   */
  public static SecretBox legacyPassphrase(String configured) {
    if (rawKey(configured) != null) {
      return null;
    }
    try {
      return new SecretBox(
          MessageDigest.getInstance("SHA-256")
              .digest(passphrase(configured).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code configured} is a passphrase (needs a salt) rather than a base64 key. */
  public static boolean isPassphrase(String configured) {
    return rawKey(configured) == null;
  }

  private static byte[] rawKey(String configured) {
    try {
      byte[] decoded = Base64.getDecoder().decode(configured.strip());
      return decoded.length == 32 ? decoded : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static String passphrase(String configured) {
    String value = configured.strip();
    if (value.length() < MIN_PASSPHRASE) {
      throw new IllegalArgumentException(
          "RUNLATER_SECRET_KEY must be 32 bytes in base64 (generate one with `openssl rand"
              + " -base64 32`) or a passphrase of at least "
              + MIN_PASSPHRASE
              + " characters");
    }
    return value;
  }

  /** The value opened, or null when it was not sealed under this box's key (or is damaged). */
  public byte[] tryOpen(byte[] sealed) {
    try {
      return open(sealed);
    } catch (SecretBoxException e) {
      return null;
    }
  }

  /** A fresh random 256-bit key, base64-encoded. */
  public static String generateKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  public byte[] seal(byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(new byte[] {VERSION});
      byte[] sealed = cipher.doFinal(plaintext);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new SecretBoxException("could not seal a value", e);
    }
  }

  public byte[] seal(String plaintext) {
    return seal(plaintext.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] open(byte[] sealed) {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new SecretBoxException("not a sealed value", null);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
      cipher.updateAAD(new byte[] {VERSION});
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new SecretBoxException(
          "could not open a sealed value: wrong RUNLATER_SECRET_KEY or tampered data", e);
    }
  }

  public String openString(byte[] sealed) {
    return new String(open(sealed), StandardCharsets.UTF_8);
  }

  /** Raised when a value cannot be sealed or opened. */
  public static final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
