package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver's timeouts go into the JDBC URL, unless DATABASE_URL chose its own. */
class DatabaseConfigTest {

  @Test
  void timeouts_are_added_to_a_url_without_them() {
    assertThat(
            DatabaseConfig.withDefaults(
                "jdbc:postgresql://db:5432/runlater", DatabaseConfig.URL_DEFAULTS))
        .isEqualTo(
            "jdbc:postgresql://db:5432/runlater?connectTimeout=5&loginTimeout=5&socketTimeout=120");
  }

  @Test
  void the_urls_own_settings_win_and_its_other_parameters_stay() {
    assertThat(
            DatabaseConfig.withDefaults(
                "jdbc:postgresql://db/runlater?sslmode=require&socketTimeout=0",
                Map.of("socketTimeout", "120", "connectTimeout", "5")))
        .isEqualTo(
            "jdbc:postgresql://db/runlater?sslmode=require&socketTimeout=0&connectTimeout=5");
  }
}
