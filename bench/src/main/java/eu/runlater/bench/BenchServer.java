package eu.runlater.bench;

import eu.runlater.RunlaterApplication;
import eu.runlater.apikeys.ApiKeys;
import eu.runlater.engine.SecretBox;
import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.Tier;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real server, started in the benchmark's JVM on a fresh database of the benchmark's
 * PostgreSQL, with its engine at the server's defaults, and an organization on the Pro tier. The
 * first-start bootstrap is skipped (it would print a throwaway key); the database is dropped on
 * close.
 */
final class BenchServer implements AutoCloseable {
  private final BenchPostgres pg;
  private final String database;
  private final ConfigurableApplicationContext context;
  private final UUID organizationId;
  private final List<String> args;

  private BenchServer(
      BenchPostgres pg,
      String database,
      ConfigurableApplicationContext context,
      UUID organizationId,
      List<String> args) {
    this.pg = pg;
    this.database = database;
    this.context = context;
    this.organizationId = organizationId;
    this.args = List.copyOf(args);
  }

  /** Starts a server on a fresh database named after {@code name}; extra Spring arguments. */
  static BenchServer start(BenchPostgres pg, Path dataDir, String name, String... extra)
      throws Exception {
    String database = pg.freshDatabase(name);
    pg.execute(
        database, "INSERT INTO instance_settings (key, value) VALUES ('bootstrapped_at', 'bench')");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--runlater.database-url=" + pg.jdbcUrl(database),
                "--runlater.data-dir=" + dataDir.resolve(database),
                "--runlater.engine.allow-private-targets=127.0.0.0/8",
                // The bench pushes over HTTP as fast as it can: no request rate limit, and a
                // waiting-message cap no run reaches (the cap's counter still runs).
                "--runlater.rate-limits.enabled=false",
                "--runlater.caps.pro.waiting-messages=1000000000",
                "--runlater.secret-key=" + SecretBox.generateKey(),
                "--logging.level.root=WARN",
                "--logging.register-shutdown-hook=false"));
    args.addAll(List.of(extra));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(RunlaterApplication.class).run(args.toArray(String[]::new));
    try {
      UUID org =
          context
              .getBean(Organizations.class)
              .create("Bench", "bench-" + database.replace('_', '-'), Tier.PRO)
              .id();
      return new BenchServer(pg, database, context, org, args);
    } catch (RuntimeException e) {
      context.close();
      pg.drop(database);
      throw e;
    }
  }

  String database() {
    return database;
  }

  ConfigurableApplicationContext context() {
    return context;
  }

  UUID organizationId() {
    return organizationId;
  }

  /** The base URI of the server's HTTP port, e.g. {@code http://127.0.0.1:41234}. */
  URI base() {
    int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A new API key of the organization, through the server's own service. */
  String apiKey() {
    return context.getBean(ApiKeys.class).create(organizationId, "bench", null).token();
  }

  /** The Spring arguments it was started with (secret key and database included). */
  List<String> args() {
    return args;
  }

  /**
   * Stops the server but keeps its database (schema, organization, keys), for a server of the same
   * arguments started as a process of its own ({@link OutsideQueueBench}); the caller drops it.
   */
  void stopKeepingDatabase() {
    context.close();
  }

  @Override
  public void close() throws Exception {
    context.close();
    pg.drop(database);
  }
}
