package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The migrations run before anything that uses the database, without Boot's Flyway. */
class MigrationsConfigTest extends ServerTest {
  @Autowired ConfigurableApplicationContext context;

  @Test
  void every_jdbc_template_and_client_is_made_after_the_migrations() {
    var factory = context.getBeanFactory();
    for (Class<?> type :
        new Class<?>[] {JdbcTemplate.class, NamedParameterJdbcTemplate.class, JdbcClient.class}) {
      String[] names = factory.getBeanNamesForType(type);
      assertThat(names).as("beans of %s", type.getSimpleName()).isNotEmpty();
      for (String name : names) {
        assertThat(factory.getBeanDefinition(name).getDependsOn())
            .as("what %s waits for", name)
            .contains("migratedSchema");
      }
    }
    assertThat(context.getBeanNamesForType(Flyway.class)).as("Boot's Flyway").isEmpty();
  }
}
