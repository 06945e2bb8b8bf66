package eu.runlater.platform.database;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The schema migrated before any bean uses the database: making the {@link MigratedSchema} bean
 * runs {@link Migrations}, and Spring Boot's database-initialization ordering (with {@link
 * MigratedSchema.Detector}, listed in {@code META-INF/spring.factories}) makes every {@code
 * JdbcTemplate}, {@code JdbcClient} and bean marked {@code @DependsOnDatabaseInitialization} wait
 * for it. Boot's own Flyway is off ({@code spring.flyway.enabled}): building its Flyway
 * (properties, plugins, configuration) took about 8 % of a restart's main thread, for a start that
 * finds this build's migrations already recorded and so runs none.
 */
@Configuration(proxyBeanMethods = false)
class MigrationsConfig {

  @Bean
  MigratedSchema migratedSchema(DataSource dataSource) {
    Migrations.migrate(dataSource);
    return new MigratedSchema();
  }
}
