package eu.runlater.platform.database;

import eu.runlater.platform.OwnerOnlyFiles;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh embedded database made at build time, so that a first start copies it instead of
 * unpacking the PostgreSQL binaries (xz, about 2 s of CPU), running initdb (about 1 s) and every
 * migration (about 2.5 s). The build ({@code -Paot-cache}, which {@code ./run} builds with) runs
 * {@link #main} once; {@code ./run} names the result with {@value #PROPERTY}.
 *
 * <p>A template holds {@code runtime/PG-<digest>} (the unpacked binaries, laid out as the embedded
 * library leaves them, {@code .exists} marker included, so it finds them and unpacks nothing) and
 * {@code cluster} (a cluster with the role, the database and the whole schema, migrated by this
 * build's files, stopped cleanly). Its passwords were random and are thrown away: a data directory
 * made from it gets passwords of its own, set in single-user mode (no connection, no listener)
 * before the server first listens, so no moment exists in which the template's logins work.
 *
 * <p>A template from another build is harmless: binaries of another digest are simply not found
 * (the library unpacks its own), and a schema of other migration files does not match this build's
 * digest, so the migrations run as on any upgrade. Every data directory made from one template
 * shares its cluster's system identifier (what replication tools tell clusters apart by); none of
 * them replicates from another.
 */
public final class EmbeddedTemplate {
  /** The system property that names the template directory (set by {@code ./run}). */
  public static final String PROPERTY = "runlater.embedded-template";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemplate.class);
  static final String CLUSTER = "cluster";
  static final String RUNTIME = "runtime";
  // A running server's files, never part of a copy.
  private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts");

  private EmbeddedTemplate() {}

  /** Makes the template in {@code args[0]} (replacing one already there). */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: EmbeddedTemplate <template directory>");
    }
    long started = System.nanoTime();
    Path template = make(Path.of(args[0]));
    log.info(
        "Made the embedded database template {} in {} ms",
        template,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** The template directory {@value #PROPERTY} names, if it names one that holds a template. */
  static Optional<Path> configured() {
    String named = System.getProperty(PROPERTY, "");
    if (named.isBlank()) {
      return Optional.empty();
    }
    Path template = Path.of(named);
    if (!Files.exists(template.resolve(CLUSTER).resolve("PG_VERSION"))) {
      log.warn("{}={} holds no template; starting without it", PROPERTY, named);
      return Optional.empty();
    }
    return Optional.of(template);
  }

  /**
   * Makes a template in {@code template}: a data directory started fresh (binaries, initdb, role
   * and database), migrated, and stopped; its passwords are deleted.
   */
  static Path make(Path template) throws IOException, SQLException {
    Path work = template.resolveSibling(template.getFileName() + ".making");
    deleteTree(work);
    Path binaries;
    try (EmbeddedDatabase db = EmbeddedDatabase.startNow(work, Optional.empty())) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setUrl(db.url().jdbcUrl());
      dataSource.setUser(db.url().username());
      dataSource.setPassword(db.url().password());
      Migrations.migrate(dataSource);
      binaries = runningBinaries(work.resolve("postgres"));
    }
    Files.delete(work.resolve(EmbeddedPasswords.FILE));
    Files.move(work.resolve("postgres"), work.resolve(CLUSTER));
    // The binaries the server ran from: unpacked under the work directory, or, when this JVM had
    // unpacked them elsewhere already (the library keeps one directory per JVM), copied from there.
    Path runtime = work.resolve(RUNTIME);
    Files.createDirectories(runtime);
    copyTree(binaries, runtime.resolve(name(binaries)), true);
    deleteTree(work.resolve("postgres-runtime"));
    try (Stream<Path> left = Files.list(work)) {
      for (Path file : left.filter(p -> !Set.of(CLUSTER, RUNTIME).contains(name(p))).toList()) {
        deleteTree(file);
      }
    }
    OwnerOnlyFiles.restrict(work);
    deleteTree(template);
    Files.move(work, template, StandardCopyOption.ATOMIC_MOVE);
    return template;
  }

  /**
   * Copies the template's cluster to {@code cluster} and its binaries into {@code runtime} (hard
   * links where the file system allows: the binaries are only read), then sets {@code passwords} on
   * the copy in single-user mode.
   */
  static void seed(Path template, Path cluster, Path runtime, EmbeddedPasswords passwords)
      throws IOException {
    try (Stream<Path> binaries = Files.list(template.resolve(RUNTIME))) {
      for (Path dir : binaries.filter(Files::isDirectory).toList()) {
        Path target = runtime.resolve(name(dir));
        if (!Files.exists(target.resolve(".exists"))) {
          // Beside, then moved in whole: the library takes a directory with its marker as done.
          Path making = runtime.resolve(name(dir) + ".seeding");
          deleteTree(making);
          copyTree(dir, making, true);
          deleteTree(target);
          Files.move(making, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
    Path making = cluster.resolveSibling(name(cluster) + ".seeding");
    deleteTree(making);
    try {
      copyTree(template.resolve(CLUSTER), making, false);
      setPasswords(binaries(runtime), making, passwords);
      Files.move(making, cluster, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteTree(making);
    }
  }

  /** The {@code PG-*} directory of the server running on {@code cluster} (its postmaster's). */
  static Path runningBinaries(Path cluster) throws IOException {
    long pid =
        Long.parseLong(Files.readAllLines(cluster.resolve("postmaster.pid")).getFirst().strip());
    Path postgres =
        ProcessHandle.of(pid)
            .flatMap(p -> p.info().command())
            .map(Path::of)
            .orElseThrow(
                () -> new IOException("cannot tell where PostgreSQL (pid " + pid + ") runs from"));
    Path dir = postgres.getParent().getParent();
    if (!name(dir).startsWith("PG-") || !Files.exists(dir.resolve(".exists"))) {
      throw new IOException("PostgreSQL runs from " + postgres + ", not from unpacked binaries");
    }
    return dir;
  }

  /** The unpacked binaries in {@code runtime} (the one {@code PG-*} directory marked complete). */
  private static Path binaries(Path runtime) throws IOException {
    try (Stream<Path> dirs = Files.list(runtime)) {
      return dirs.filter(d -> name(d).startsWith("PG-") && Files.exists(d.resolve(".exists")))
          .findFirst()
          .orElseThrow(() -> new IOException("no PostgreSQL binaries in " + runtime));
    }
  }

  /**
   * Sets both logins' passwords on a stopped cluster, as SCRAM verifiers computed here, through a
   * single-user backend reading statements on its standard input: no listener, no login.
   */
  static void setPasswords(Path binaries, Path cluster, EmbeddedPasswords passwords)
      throws IOException {
    String statements;
    try {
      statements =
          PasswordUtil.genAlterUserPasswordSQL(
                  EmbeddedDatabase.SUPERUSER, passwords.superuser().toCharArray(), "scram-sha-256")
              + "\n"
              + PasswordUtil.genAlterUserPasswordSQL(
                  EmbeddedDatabase.ROLE, passwords.application().toCharArray(), "scram-sha-256")
              + "\n";
    } catch (SQLException e) {
      throw new IllegalStateException("could not compute the password verifiers", e);
    }
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      // As the embedded library does when run as root: PostgreSQL refuses root.
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            binaries.resolve("bin/postgres").toString(),
            "--single",
            "-D",
            cluster.toString(),
            "-c",
            "exit_on_error=on",
            "-c",
            "log_min_messages=warning",
            EmbeddedDatabase.SUPERUSER));
    Process backend = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = backend.getOutputStream()) {
      in.write(statements.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(backend.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!backend.waitFor(60, TimeUnit.SECONDS)) {
        backend.destroyForcibly();
        throw new IOException("setting the passwords of " + cluster + " did not finish in 60 s");
      }
    } catch (InterruptedException e) {
      backend.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the passwords of " + cluster, e);
    }
    if (backend.exitValue() != 0) {
      // The output holds PostgreSQL's messages, never the statements (nor their verifiers).
      throw new IOException(
          "setting the passwords of "
              + cluster
              + " failed ("
              + backend.exitValue()
              + "): "
              + output);
    }
  }

  private static void copyTree(Path from, Path to, boolean link) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path source : all.toList()) {
        if (NOT_COPIED.contains(name(source))) {
          continue;
        }
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isSymbolicLink(source)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(source));
        } else if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
          Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
        } else if (!link || !linked(source, target)) {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static boolean linked(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
      return true;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException otherFileSystem) {
      return false;
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }
}
