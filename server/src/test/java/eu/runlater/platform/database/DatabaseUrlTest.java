package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

  @Test
  void parses_the_heroku_style_postgres_url() {
    var url = DatabaseUrl.parse("postgres://app:s3cret@db.example.com:6543/runlater");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/runlater");
    assertThat(url.username()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cret");
  }

  @Test
  void parses_postgresql_scheme_with_default_port_and_query() {
    var url = DatabaseUrl.parse("postgresql://app@db.internal/runlater?sslmode=require");
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:5432/runlater?sslmode=require");
    assertThat(url.username()).isEqualTo("app");
    assertThat(url.password()).isNull();
  }

  @Test
  void decodes_percent_encoded_credentials() {
    var url = DatabaseUrl.parse("postgres://my%40user:p%3Ass%2Fw+rd@localhost:5432/db");
    assertThat(url.username()).isEqualTo("my@user");
    assertThat(url.password()).isEqualTo("p:ss/w+rd");
  }

  @Test
  void accepts_ipv6_hosts() {
    var url = DatabaseUrl.parse("postgres://u:p@[::1]:5433/db");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/db");
  }

  @Test
  void passes_jdbc_urls_through() {
    var url = DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=p");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=p");
    assertThat(url.username()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"mysql://u:p@h/db", "postgres://u:p@h:5432", "postgres:///db", "not a url", ""})
  void rejects_what_is_not_a_postgres_url_with_a_message_naming_the_forms(String bad) {
    assertThatThrownBy(() -> DatabaseUrl.parse(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATABASE_URL")
        .hasMessageContaining("postgres://");
  }

  @Test
  void error_messages_and_logs_never_show_the_password() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgres://u:topsecret@h:5432"))
        .hasMessageNotContaining("topsecret");
    assertThat(DatabaseUrl.redact("jdbc:postgresql://h/db?user=u&password=topsecret&x=1"))
        .doesNotContain("topsecret")
        .contains("x=1");
    assertThat(DatabaseUrl.parse("postgres://u:topsecret@h/db").toString())
        .doesNotContain("topsecret");
  }
}
