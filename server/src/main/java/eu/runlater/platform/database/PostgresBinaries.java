package eu.runlater.platform.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded library finds the unpacked PostgreSQL binaries, without reading them on every
 * start.
 *
 * <p>The library names the directory it unpacks the binaries into ({@code PG-<digest>} in the
 * runtime directory) after the MD5 of the archive its resolver hands it, so on every start it reads
 * the whole archive (15 MB) out of its jar, inflates and digests it, after a distribution detection
 * that starts processes, only to find that directory unpacked already. On a restart that is CPU
 * taken from Spring's start on a machine of few cores, and it delays the database the context waits
 * for. Here the resolver hands it a <em>stamp</em> instead, a few bytes that name the archive (its
 * URL, size and CRC, read from the jar's directory, not from the archive), when the stamp's digest
 * names an <em>alias</em>: a symbolic link in the runtime directory to the unpacked binaries, made
 * after the first start that went the library's own way. The library then finds {@code .exists}
 * through the link and unpacks nothing.
 *
 * <p>Another binaries jar (another version) has another stamp, so its first start goes the long way
 * and gets an alias of its own; a dangling alias (its binaries deleted) is not used and is
 * replaced. The stamp names the archive the library would choose on a distribution it has no
 * binaries of its own for ({@code postgres-<os>-<arch>.txz}); the alias points at what the library
 * really chose, so both stay consistent for as long as the jars do.
 */
final class PostgresBinaries {
  private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);

  private final Optional<String> stamp;

  private PostgresBinaries(Optional<String> stamp) {
    this.stamp = stamp;
  }

  /** The stamp of the archive on this class path, if it can be told without reading it. */
  static PostgresBinaries onClassPath() {
    return new PostgresBinaries(stamp(archiveName()));
  }

  /** For tests: a given stamp, or none. */
  static PostgresBinaries stamped(Optional<String> stamp) {
    return new PostgresBinaries(stamp);
  }

  /**
   * The resolver that hands the library the stamp, when {@code runtime} holds a complete alias for
   * it; empty when the start has to go the library's own way (then {@link #alias} after it).
   */
  Optional<PgBinaryResolver> resolver(Path runtime) {
    return stamp
        .filter(s -> complete(runtime.resolve(aliasName(s))))
        .map(s -> (system, machine) -> new ByteArrayInputStream(bytes(s)));
  }

  /**
   * After a start the library's way: the alias for the stamp made to point at the {@code PG-*}
   * directory the server on {@code cluster} runs from, unless it does already. A failure only costs
   * the next start the long way again, so it is logged, not thrown.
   */
  void alias(Path runtime, Path cluster) {
    if (stamp.isEmpty()) {
      return;
    }
    Path alias = runtime.resolve(aliasName(stamp.get()));
    try {
      Path binaries = EmbeddedTemplate.runningBinaries(cluster);
      Path target = binaries.getFileName();
      if (!binaries.toAbsolutePath().normalize().getParent().equals(normal(runtime))
          || binaries.toAbsolutePath().normalize().equals(normal(alias))
          || !complete(binaries)) {
        return;
      }
      if (Files.isSymbolicLink(alias) && Files.readSymbolicLink(alias).equals(target)) {
        return;
      }
      // Made aside and moved in, so that no start ever sees a half-made alias.
      Path making = runtime.resolve(alias.getFileName() + ".making");
      Files.deleteIfExists(making);
      Files.createSymbolicLink(making, target);
      Files.move(
          making, alias, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      log.warn("Could not link {} to the PostgreSQL binaries of {}", alias, cluster, e);
    }
  }

  /** The alias's name: the library's own {@code PG-<md5 of what the resolver handed it>}. */
  static String aliasName(String stamp) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(bytes(stamp));
      return "PG-" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean complete(Path binaries) {
    return Files.exists(binaries.resolve(".exists"))
        && Files.isExecutable(binaries.resolve("bin/pg_ctl"));
  }

  /** The library's name for this platform's archive when it has none for the distribution. */
  private static String archiveName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String system =
        os.startsWith("linux")
            ? "linux"
            : os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "windows" : os;
    String arch = ArchUtils.normalize(System.getProperty("os.arch", ""));
    return "postgres-" + system + "-" + arch + ".txz";
  }

  /** The archive's URL, size and CRC, from its jar's directory; empty outside a jar. */
  static Optional<String> stamp(String archive) {
    URL url = EmbeddedPostgres.class.getClassLoader().getResource(archive);
    if (url == null) {
      return Optional.empty();
    }
    try {
      URLConnection connection = url.openConnection();
      if (connection instanceof JarURLConnection jar) {
        JarEntry entry = jar.getJarEntry();
        if (entry.getSize() >= 0 && entry.getCrc() >= 0) {
          return Optional.of(
              "runlater embedded PostgreSQL binaries "
                  + url
                  + " size "
                  + entry.getSize()
                  + " crc "
                  + Long.toHexString(entry.getCrc()));
        }
      }
    } catch (IOException e) {
      log.debug("Cannot stamp {}: its starts read it", url, e);
    }
    return Optional.empty();
  }

  private static Path normal(Path path) {
    return path.toAbsolutePath().normalize();
  }

  private static byte[] bytes(String stamp) {
    return stamp.getBytes(StandardCharsets.UTF_8);
  }
}
