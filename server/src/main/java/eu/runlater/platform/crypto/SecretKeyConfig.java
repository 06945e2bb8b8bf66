package eu.runlater.platform.crypto;

import eu.runlater.engine.SecretBox;
import eu.runlater.platform.OwnerOnlyFiles;
import eu.runlater.platform.RunlaterProperties;
import eu.runlater.platform.database.InstanceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The key that seals stored secrets: {@code RUNLATER_SECRET_KEY}, or a key generated once into
 * {@code <data dir>/secret.key}.
 *
 * <p>A base64 key of 32 bytes is used as is. A passphrase is stretched with PBKDF2-HMAC-SHA256
 * ({@value SecretBox#PASSPHRASE_ITERATIONS} rounds) over a random salt made once per instance and
 * kept in the database ({@code instance_settings}), so every node derives the same key and a
 * database dump alone is no shortcut to it.
 *
 * <p>The database keeps a value sealed with the key in use (the key check). A node started with
 * another key refuses to start, rather than failing later on every secret it reads (the usual
 * mistake when a second node joins without the first node's key). A node that finds the check
 * sealed with a previous key (given as {@code RUNLATER_SECRET_KEY_PREVIOUS}, or the same passphrase
 * as derived before it was stretched) re-encrypts every stored secret with the current key ({@link
 * StoredSecrets}) and then the check, so the previous key is no longer needed.
 *
 * <p>A rolling upgrade from the version that derived a passphrase with SHA-256 leaves old nodes
 * sealing with that derivation after the first upgraded node has re-encrypted everything and
 * flipped the check. So, while the configured key is a passphrase, every start sweeps for values
 * under its old derivation until {@value #LEGACY_SWEEP_WINDOW_HOURS} hours after the first sweep
 * (marked in {@code instance_settings} as {@value #LEGACY_SWEPT_SETTING}): nodes of the new version
 * started during the upgrade catch what the old ones wrote meanwhile. A sweep reads every sealed
 * value once; with nothing sealed it is a handful of empty index scans.
 */
@Configuration(proxyBeanMethods = false)
class SecretKeyConfig {
  static final String KEY_FILE = "secret.key";
  private static final String CHECK_SETTING = "secret_key_check";
  private static final String SALT_SETTING = "secret_key_salt";
  private static final String CHECK_PLAINTEXT = "runlater-secret-key-check";
  static final String LEGACY_SWEPT_SETTING = "secret_key_legacy_swept_at";
  static final long LEGACY_SWEEP_WINDOW_HOURS = 24;
  private static final Logger log = LoggerFactory.getLogger(SecretKeyConfig.class);

  @Bean
  @DependsOnDatabaseInitialization
  SecretBox secretBox(
      RunlaterProperties properties,
      @Value("${runlater.secret-key-previous:}") String previousKey,
      JdbcClient jdbc,
      PlatformTransactionManager transactions) {
    byte[] salt = instanceSalt(jdbc);
    String configured =
        properties.secretKey() == null || properties.secretKey().isBlank()
            ? loadOrGenerate(properties.dataDir().resolve(KEY_FILE))
            : properties.secretKey();
    SecretBox box = SecretBox.fromConfigured(configured, salt);
    unlock(
        box,
        previous(configured, previousKey, salt),
        previousKey != null && !previousKey.isBlank(),
        SecretBox.legacyPassphrase(configured) != null,
        Instant.now(),
        jdbc,
        new TransactionTemplate(transactions));
    return box;
  }

  /**
   * The keys the database's secrets may still be sealed with: {@code previousKey} (as a key, or a
   * passphrase stretched and as derived before), and the current passphrase as derived before.
   */
  static List<SecretBox> previous(String configured, String previousKey, byte[] salt) {
    List<SecretBox> previous = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      SecretBox legacy = SecretBox.legacyPassphrase(configured);
      if (legacy != null) {
        previous.add(legacy);
      }
    }
    if (previousKey != null && !previousKey.isBlank()) {
      try {
        previous.add(SecretBox.fromConfigured(previousKey, salt));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().replace("RUNLATER_SECRET_KEY", "RUNLATER_SECRET_KEY_PREVIOUS"), e);
      }
      SecretBox legacy = SecretBox.legacyPassphrase(previousKey);
      if (legacy != null) {
        previous.add(legacy);
      }
    }
    return previous;
  }

  /** The instance's PBKDF2 salt: 16 random bytes, made by the first node that needs them. */
  static byte[] instanceSalt(JdbcClient jdbc) {
    byte[] fresh = new byte[16];
    new SecureRandom().nextBytes(fresh);
    return Base64.getDecoder()
        .decode(
            new InstanceSettings(jdbc)
                .putIfAbsent(SALT_SETTING, Base64.getEncoder().encodeToString(fresh)));
  }

  /**
   * Checks {@code box} against the database's key check; when the check (or any stored secret) is
   * sealed with one of {@code previous}, re-encrypts everything with {@code box} first.
   *
   * @param previousGiven whether the operator gave RUNLATER_SECRET_KEY_PREVIOUS: then stored
   *     secrets are swept even when the check is already under {@code box}, for values a node still
   *     on the old key wrote while the nodes were being switched
   * @throws IllegalStateException with what to set, when the check opens with none of them
   */
  static void unlock(
      SecretBox box,
      List<SecretBox> previous,
      boolean previousGiven,
      JdbcClient jdbc,
      TransactionTemplate tx) {
    unlock(box, previous, previousGiven, false, Instant.now(), jdbc, tx);
  }

  /**
   * As above; {@code passphrase}: the configured key is a passphrase, so {@code previous} holds its
   * old derivation, which nodes of the previous version may still be sealing with during a rolling
   * upgrade: swept on every start until {@value #LEGACY_SWEEP_WINDOW_HOURS} hours after the first
   * sweep.
   */
  static void unlock(
      SecretBox box,
      List<SecretBox> previous,
      boolean previousGiven,
      boolean passphrase,
      Instant now,
      JdbcClient jdbc,
      TransactionTemplate tx) {
    InstanceSettings settings = new InstanceSettings(jdbc);
    byte[] check =
        Base64.getDecoder()
            .decode(
                settings.putIfAbsent(
                    CHECK_SETTING, Base64.getEncoder().encodeToString(box.seal(CHECK_PLAINTEXT))));
    if (opens(box, check)) {
      if (previousGiven) {
        long n = StoredSecrets.reencrypt(jdbc, tx, box, previous);
        log.info(
            "The secret key check is sealed with RUNLATER_SECRET_KEY; re-encrypted {} stored"
                + " secret(s) left under the previous key. RUNLATER_SECRET_KEY_PREVIOUS is no"
                + " longer needed: remove it.",
            n);
      } else if (passphrase && legacySweepDue(settings, now)) {
        long n = StoredSecrets.reencrypt(jdbc, tx, box, previous);
        if (n > 0) {
          log.warn(
              "Re-encrypted {} stored secret(s) sealed with the passphrase as the previous"
                  + " version derived it (written by a node of that version during the upgrade).",
              n);
        }
      }
      if (passphrase) {
        markLegacySweep(settings, now);
      }
      return;
    }
    if (previous.stream().noneMatch(p -> opens(p, check))) {
      throw new IllegalStateException(
          "The secret key does not match the one this database's secrets were sealed with."
              + " Set RUNLATER_SECRET_KEY to the key the first node used (its "
              + KEY_FILE
              + " in the data directory); to move to a new key, set RUNLATER_SECRET_KEY to the"
              + " new one and RUNLATER_SECRET_KEY_PREVIOUS to the old one; or point DATABASE_URL"
              + " at another database.");
    }
    log.warn(
        "The stored secrets are sealed with a previous key: re-encrypting them with the current"
            + " RUNLATER_SECRET_KEY before starting.");
    long n = StoredSecrets.reencrypt(jdbc, tx, box, previous);
    // Last, so that a start interrupted before this point does the remaining rows again.
    settings.set(CHECK_SETTING, Base64.getEncoder().encodeToString(box.seal(CHECK_PLAINTEXT)));
    if (passphrase) {
      markLegacySweep(settings, now);
    }
    log.warn(
        "Re-encrypted {} stored secret(s) with the current key; the previous key is no longer"
            + " needed.",
        n);
  }

  /** Whether no sweep for the old passphrase derivation ran yet, or the first was recent. */
  private static boolean legacySweepDue(InstanceSettings settings, Instant now) {
    return settings
        .get(LEGACY_SWEPT_SETTING)
        .map(Instant::parse)
        .map(first -> now.isBefore(first.plus(Duration.ofHours(LEGACY_SWEEP_WINDOW_HOURS))))
        .orElse(true);
  }

  /** Records the first sweep (later ones keep its time, so the window ends). */
  private static void markLegacySweep(InstanceSettings settings, Instant now) {
    settings.putIfAbsent(LEGACY_SWEPT_SETTING, now.toString());
  }

  private static boolean opens(SecretBox box, byte[] check) {
    byte[] plain = box.tryOpen(check);
    return plain != null
        && CHECK_PLAINTEXT.equals(new String(plain, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The key in {@code keyFile}, generated (base64, 32 random bytes) when there is none. */
  static String loadOrGenerate(Path keyFile) {
    try {
      if (Files.exists(keyFile)) {
        return Files.readString(keyFile).strip();
      }
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      String key = SecretBox.generateKey();
      Path tmp = keyFile.resolveSibling(KEY_FILE + ".tmp");
      Files.deleteIfExists(tmp);
      // Created 0600 before the key is written: no moment in which the umask's mode applies.
      OwnerOnlyFiles.create(tmp);
      Files.writeString(tmp, key + "\n");
      Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.warn(
          "Generated a new secret key in {}. Back it up: stored secrets (signing secrets,"
              + " secret headers) cannot be decrypted without it. To run several nodes, give"
              + " every node this key as RUNLATER_SECRET_KEY.",
          keyFile.toAbsolutePath().normalize());
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or create the secret key " + keyFile, e);
    }
  }
}
