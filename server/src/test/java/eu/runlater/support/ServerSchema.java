package eu.runlater.support;

import eu.runlater.platform.database.Migrations;
import eu.runlater.testing.TestSchema;
import javax.sql.DataSource;

/**
 * The server's tests get fresh databases with every module's migrations (named in {@code
 * META-INF/services}), so a Spring context starting on one finds nothing left to migrate.
 */
public final class ServerSchema implements TestSchema {
  @Override
  public void migrate(DataSource dataSource) {
    Migrations.migrate(dataSource);
  }
}
