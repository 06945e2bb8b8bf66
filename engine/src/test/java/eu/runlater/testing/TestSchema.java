package eu.runlater.testing;

import javax.sql.DataSource;

/**
 * What {@link TestPostgres#freshDatabase()} migrates its template with. Without one on the test
 * classpath it is the engine's own migrations; a module whose schema goes further (the server, with
 * every module's migrations) names its implementation in {@code
 * META-INF/services/eu.runlater.testing.TestSchema}, so its fresh databases hold the schema it
 * ships and its Spring contexts find nothing left to migrate.
 */
public interface TestSchema {
  void migrate(DataSource dataSource);
}
