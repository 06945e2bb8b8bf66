package eu.runlater.platform.database;

import eu.runlater.platform.OwnerOnlyFiles;
import eu.runlater.platform.StartPriority;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL 18 a single node runs on when no {@code DATABASE_URL} is set. Its cluster
 * lives in {@code <data dir>/postgres} and survives restarts; it listens on 127.0.0.1 only.
 *
 * <p>Durability: the embedded library starts PostgreSQL with {@code synchronous_commit=off}, which
 * would acknowledge commits that a crash can still lose. Runlater promises "durable before
 * acknowledged", so both {@code synchronous_commit} and {@code fsync} are forced on.
 *
 * <p>Authentication: any process on the machine can reach 127.0.0.1, so no login works without a
 * password. {@code pg_hba.conf} is rewritten before every start to {@code scram-sha-256} only (no
 * {@code trust} line, no Unix socket, no replication); the passwords are generated once into {@code
 * <data dir>/postgres-passwords} (mode 0600, see {@link EmbeddedPasswords}). The superuser {@code
 * postgres} is used only here, at start, to create the database and the {@value #ROLE} role; the
 * application connects as {@value #ROLE}, which owns the database and every object in it but is no
 * superuser (so no {@code COPY … TO PROGRAM}, no reading server files).
 *
 * <p>A data directory from before passwords (initdb's {@code trust} for everyone, every table owned
 * by {@code postgres}) is upgraded on its first start: it starts once with a single {@code trust}
 * line for {@code postgres} on 127.0.0.1, gets its passwords and the {@value #ROLE} role, hands the
 * role every object, and is restarted with the password-only {@code pg_hba.conf}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  static final String DATABASE = "runlater";
  static final String ROLE = "runlater";
  static final String SUPERUSER = "postgres";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  static final String HBA_PASSWORDS_ONLY =
      """
      # Written by Runlater before every start of the embedded PostgreSQL: password (SCRAM)
      # logins only, over TCP on 127.0.0.1 (the server listens nowhere else and has no Unix
      # socket). Edits are overwritten.
      host    all    all    127.0.0.1/32    scram-sha-256
      local   all    all                    scram-sha-256
      """;

  // Only while an old data directory gets its passwords; replaced before the server restarts.
  private static final String HBA_UPGRADE =
      """
      # Written by Runlater for one start, while it sets the passwords of a data directory made
      # before passwords were required. Replaced by the password-only file right after.
      host    all    postgres    127.0.0.1/32    trust
      """;

  private final EmbeddedPostgres postgres;
  private final EmbeddedPasswords passwords;

  private EmbeddedDatabase(EmbeddedPostgres postgres, EmbeddedPasswords passwords) {
    this.postgres = postgres;
    this.passwords = passwords;
  }

  /**
   * Starts (creating or upgrading on first use) the cluster under {@code dataDir}, or takes the one
   * {@link EmbeddedDatabaseEarlyStart} began for it while the application context was being built.
   */
  public static EmbeddedDatabase start(Path dataDir) {
    return EmbeddedDatabaseEarlyStart.takeOrStart(dataDir);
  }

  /**
   * Starts (creating or upgrading on first use) the cluster under {@code dataDir}, now; a first
   * start copies the build's template ({@link EmbeddedTemplate#configured}) when there is one.
   */
  static EmbeddedDatabase startNow(Path dataDir) {
    return startNow(dataDir, EmbeddedTemplate.configured());
  }

  /**
   * Starts (creating or upgrading on first use) the cluster under {@code dataDir}, now; a first
   * start copies {@code template} when given.
   */
  static EmbeddedDatabase startNow(Path dataDir, Optional<Path> template) {
    // PostgreSQL's processes take the nice value of the thread that starts them: the process's
    // own, not the start's raised one, which they would keep for their whole life.
    StartPriority.forChildProcesses();
    Path cluster = dataDir.resolve("postgres");
    Path runtime = dataDir.resolve("postgres-runtime");
    try {
      Files.createDirectories(runtime);
      ownerOnly(runtime);
      stopOrphan(cluster);
      boolean fresh = !Files.exists(cluster.resolve("postgresql.conf"));
      if (!fresh && trusts(cluster.resolve("pg_hba.conf"))) {
        upgradeFromTrust(dataDir, cluster, runtime);
      }
      EmbeddedPasswords passwords;
      if (EmbeddedPasswords.exist(dataDir)) {
        passwords = EmbeddedPasswords.read(dataDir);
      } else if (fresh) {
        passwords = EmbeddedPasswords.generate();
        passwords.write(dataDir);
      } else {
        throw new IllegalStateException(
            "The embedded PostgreSQL in "
                + cluster
                + " requires a password, and "
                + dataDir.resolve(EmbeddedPasswords.FILE)
                + " is missing: restore it from the backup of the data directory");
      }
      if (fresh && template.isPresent()) {
        fresh = !seeded(template.get(), cluster, runtime, passwords);
      }
      Path pwfile = runtime.resolve("initdb-pwfile");
      try {
        if (fresh) {
          passwords.writeSuperuserFile(pwfile);
        }
        // A restart finds the unpacked binaries through their alias, without reading the archive.
        PostgresBinaries binaries = PostgresBinaries.onClassPath();
        Optional<PgBinaryResolver> stamped = binaries.resolver(runtime);
        EmbeddedPostgres.Builder builder = builder(cluster, runtime, passwords, pwfile, fresh);
        stamped.ifPresent(builder::setPgBinaryResolver);
        EmbeddedPostgres postgres = builder.start();
        if (stamped.isEmpty()) {
          binaries.alias(runtime, cluster);
        }
        ownerOnly(runtime);
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, passwords);
        database.bootstrap(false);
        return database;
      } finally {
        Files.deleteIfExists(pwfile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL in " + cluster, e);
    }
  }

  /**
   * A first start from the build's template: its cluster and binaries copied, with {@code
   * passwords} set. False (and a warning) when that failed: the start goes on as without one.
   */
  private static boolean seeded(
      Path template, Path cluster, Path runtime, EmbeddedPasswords passwords) {
    long started = System.nanoTime();
    try {
      EmbeddedTemplate.seed(template, cluster, runtime, passwords);
      log.info(
          "New database copied from the template {} in {} ms",
          template,
          (System.nanoTime() - started) / 1_000_000);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Could not copy the database template {}; creating the database instead", template, e);
      return false;
    }
  }

  private static EmbeddedPostgres.Builder builder(
      Path cluster, Path runtime, EmbeddedPasswords passwords, Path pwfile, boolean fresh) {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(cluster)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(runtime.toFile())
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            // pg_ctl hands these to a shell: '' is an empty list, i.e. no Unix socket at all.
            .setServerConfig("unix_socket_directories", "''")
            .setServerConfig("password_encryption", "scram-sha-256")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("max_connections", "200")
            // The library's own readiness check logs in as postgres with this.
            .setConnectConfig("password", passwords.superuser())
            .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath(), HBA_PASSWORDS_ONLY));
    if (fresh) {
      // The library runs initdb with "-A trust" and passes these "locale" options after it, as
      // --key=value: the later --auth wins, and initdb sets the superuser's password from the
      // file. No moment exists in which the new cluster lets anyone in without a password.
      builder
          .setLocaleConfig("auth", "scram-sha-256")
          .setLocaleConfig("pwfile", pwfile.toAbsolutePath().toString());
    }
    return builder;
  }

  /**
   * A cluster made before passwords: start it once with a trust line for postgres alone, set the
   * passwords, give every object to the application role, and stop it; the caller then starts it
   * the ordinary way, with the password-only {@code pg_hba.conf}.
   */
  private static void upgradeFromTrust(Path dataDir, Path cluster, Path runtime)
      throws IOException {
    log.warn(
        "The embedded PostgreSQL in {} accepts logins without a password: setting passwords"
            + " (kept in {}) and moving the schema to the role '{}'",
        cluster,
        dataDir.resolve(EmbeddedPasswords.FILE),
        ROLE);
    EmbeddedPasswords passwords;
    if (EmbeddedPasswords.exist(dataDir)) {
      // An upgrade interrupted after the file was written: its passwords are the ones to set.
      passwords = EmbeddedPasswords.read(dataDir);
    } else {
      passwords = EmbeddedPasswords.generate();
      passwords.write(dataDir);
    }
    EmbeddedPostgres postgres =
        builder(cluster, runtime, passwords, null, false)
            .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath(), HBA_UPGRADE))
            .start();
    try {
      new EmbeddedDatabase(postgres, passwords).bootstrap(true);
    } finally {
      postgres.close();
    }
    writeHba(cluster, HBA_PASSWORDS_ONLY);
  }

  /**
   * The library leaves its working directory (the unpacked PostgreSQL binaries) writable by
   * everyone, so any local user could swap in a {@code postgres} of their own for the next start.
   */
  private static void ownerOnly(Path runtime) throws IOException {
    OwnerOnlyFiles.restrict(runtime);
  }

  /** Whether {@code pg_hba.conf} lets anyone in without a password ({@code trust} method). */
  static boolean trusts(Path hba) throws IOException {
    if (!Files.exists(hba)) {
      return false;
    }
    for (String line : Files.readAllLines(hba)) {
      String rule = line.replaceFirst("#.*", "").strip();
      if (!rule.isEmpty() && List.of(rule.split("\\s+")).contains("trust")) {
        return true;
      }
    }
    return false;
  }

  private static void writeHba(Path cluster, String content) {
    try {
      Path hba = cluster.resolve("pg_hba.conf");
      if (!Files.exists(hba) || !Files.readString(hba).equals(content)) {
        Files.writeString(hba, content);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write pg_hba.conf in " + cluster, e);
    }
  }

  /**
   * A JVM killed with SIGKILL leaves its PostgreSQL child running and holding the cluster. Ask it
   * to shut down (SIGTERM, a "smart" shutdown: its clients are already gone) before starting a new
   * one on the same files.
   */
  private static void stopOrphan(Path cluster) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
    } catch (RuntimeException unreadable) {
      return;
    }
    Optional<ProcessHandle> orphan =
        ProcessHandle.of(pid)
            .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    log.warn("Stopping PostgreSQL (pid {}) left running by a previous process", pid);
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(
          "PostgreSQL (pid " + pid + ") still holds " + cluster + "; stop it and start again", e);
    }
  }

  /**
   * As the superuser: the application role (password from the file, no superuser powers), the
   * database it owns, and every object in it handed to it. Cheap when nothing needs doing, so it
   * runs on every start; {@code setSuperuserPassword} on an upgrade from trust.
   */
  private void bootstrap(boolean setSuperuserPassword) {
    // Passwords go as SCRAM verifiers computed here (alterUserPassword): the plain text never
    // reaches the server, so no server log line (a failed statement is logged) can carry it.
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      PGConnection pg = c.unwrap(PGConnection.class);
      if (setSuperuserPassword) {
        pg.alterUserPassword(SUPERUSER, passwords.superuser().toCharArray(), "scram-sha-256");
      }
      if (!exists(s, "SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
        s.execute("CREATE ROLE " + ROLE);
      }
      s.execute(
          "ALTER ROLE "
              + ROLE
              + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
      pg.alterUserPassword(ROLE, passwords.application().toCharArray(), "scram-sha-256");
      if (exists(s, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        s.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + ROLE);
      } else {
        s.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare the runlater database and role", e);
    }
    try (Connection c = postgres.getDatabase(SUPERUSER, DATABASE).getConnection();
        Statement s = c.createStatement()) {
      s.execute(OBJECTS_TO_ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException("could not give the schema to the role " + ROLE, e);
    }
  }

  private static boolean exists(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      return rs.next();
    }
  }

  // Tables made by postgres (before passwords, or by hand) go to the application role, which must
  // own what its migrations alter. A sequence owned by a column and a table's indexes follow their
  // table; system schemas are left alone.
  private static final String OBJECTS_TO_ROLE =
      """
      DO $$
      DECLARE
        r record;
        role_oid oid := 'runlater'::regrole;
      BEGIN
        FOR r IN
          SELECT n.nspname FROM pg_namespace n
          WHERE n.nspowner NOT IN (role_oid, 'pg_database_owner'::regrole)
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%'
        LOOP
          EXECUTE format('ALTER SCHEMA %I OWNER TO runlater', r.nspname);
        END LOOP;
        FOR r IN
          SELECT n.nspname, c.relname,
                 CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                   WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                   ELSE 'TABLE' END AS kind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relowner <> role_oid
            AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%'
            AND NOT (c.relkind = 'S' AND EXISTS (
                  SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype IN ('a', 'i')))
        LOOP
          EXECUTE format('ALTER %s %I.%I OWNER TO runlater', r.kind, r.nspname, r.relname);
        END LOOP;
        FOR r IN
          SELECT p.oid::regprocedure AS routine FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE p.proowner <> role_oid
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                              AND d.deptype = 'e')
        LOOP
          EXECUTE format('ALTER ROUTINE %s OWNER TO runlater', r.routine);
        END LOOP;
        FOR r IN
          SELECT t.oid::regtype AS type, t.typtype FROM pg_type t
          JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typowner <> role_oid
            AND t.typtype IN ('e', 'd', 'r')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                              AND d.deptype = 'e')
        LOOP
          EXECUTE format('ALTER %s %s OWNER TO runlater',
                         CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.type);
        END LOOP;
      END
      $$
      """;

  /** Where the application connects: as {@value #ROLE}, with its password. */
  public DatabaseUrl url() {
    return new DatabaseUrl(
        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
        ROLE,
        passwords.application());
  }

  /** The superuser's login, for tests that check what it may and may not do. */
  DatabaseUrl superuserUrl() {
    return new DatabaseUrl(
        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
        SUPERUSER,
        passwords.superuser());
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
