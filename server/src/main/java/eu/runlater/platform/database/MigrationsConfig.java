package eu.runlater.platform.database;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot's Flyway runs {@link Migrations} instead of one migration chain: Boot still provides
 * the connection and {@code spring.flyway.*}, and still holds back every bean that needs the schema
 * until it is migrated.
 */
@Configuration(proxyBeanMethods = false)
class MigrationsConfig {

  @Bean
  FlywayMigrationStrategy migrations() {
    return flyway -> Migrations.migrate(flyway.getConfiguration());
  }
}
