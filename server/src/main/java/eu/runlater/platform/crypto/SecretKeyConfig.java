package eu.runlater.platform.crypto;

import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.platform.RunlaterProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The key that seals stored secrets: {@code RUNLATER_SECRET_KEY}, or a key generated once into
 * {@code <data dir>/secret.key}.
 *
 * <p>The database keeps a value sealed with the key of the first node that used it. A node started
 * with another key refuses to start, rather than failing later on every secret it reads (the usual
 * mistake when a second node joins without the first node's key).
 */
@Configuration(proxyBeanMethods = false)
class SecretKeyConfig {
  static final String KEY_FILE = "secret.key";
  private static final String CHECK_SETTING = "secret_key_check";
  private static final String CHECK_PLAINTEXT = "runlater-secret-key-check";
  private static final Logger log = LoggerFactory.getLogger(SecretKeyConfig.class);

  @Bean
  @DependsOnDatabaseInitialization
  SecretBox secretBox(RunlaterProperties properties, JdbcClient jdbc) {
    SecretBox box =
        properties.secretKey() == null || properties.secretKey().isBlank()
            ? loadOrGenerate(properties.dataDir().resolve(KEY_FILE))
            : SecretBox.fromConfigured(properties.secretKey());
    verifyAgainstDatabase(box, jdbc);
    return box;
  }

  static SecretBox loadOrGenerate(Path keyFile) {
    try {
      if (Files.exists(keyFile)) {
        return SecretBox.fromConfigured(Files.readString(keyFile));
      }
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      String key = SecretBox.generateKey();
      Path tmp = keyFile.resolveSibling(KEY_FILE + ".tmp");
      Files.writeString(tmp, key + "\n");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.warn(
          "Generated a new secret key in {}. Back it up: stored secrets (signing secrets,"
              + " secret headers) cannot be decrypted without it. To run several nodes, give"
              + " every node this key as RUNLATER_SECRET_KEY.",
          keyFile.toAbsolutePath().normalize());
      return SecretBox.fromConfigured(key);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or create the secret key " + keyFile, e);
    }
  }

  static void verifyAgainstDatabase(SecretBox box, JdbcClient jdbc) {
    jdbc.sql(
            """
            INSERT INTO instance_settings (key, value) VALUES (:key, :value)
            ON CONFLICT (key) DO NOTHING
            """)
        .param("key", CHECK_SETTING)
        .param("value", Base64.getEncoder().encodeToString(box.seal(CHECK_PLAINTEXT)))
        .update();
    String check =
        jdbc.sql("SELECT value FROM instance_settings WHERE key = :key")
            .param("key", CHECK_SETTING)
            .query(String.class)
            .single();
    try {
      if (!CHECK_PLAINTEXT.equals(box.openString(Base64.getDecoder().decode(check)))) {
        throw new SecretBox.SecretBoxException("key check mismatch", null);
      }
    } catch (SecretBox.SecretBoxException e) {
      throw new IllegalStateException(
          "The secret key does not match the one this database's secrets were sealed with."
              + " Set RUNLATER_SECRET_KEY to the key the first node used (its "
              + KEY_FILE
              + " in the data directory), or point DATABASE_URL at another database.");
    }
  }
}
