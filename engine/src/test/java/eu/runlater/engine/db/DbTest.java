package eu.runlater.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DbTest {
  @Test
  void named_parameters_become_placeholders_but_casts_and_quoted_text_do_not() {
    var parsed =
        Db.parse(
            "SELECT ':not_a_param', x::text FROM t -- :comment\n"
                + "WHERE a = :a AND b = ANY(:ids::uuid[]) AND c = :a");
    assertThat(parsed.sql())
        .isEqualTo(
            "SELECT ':not_a_param', x::text FROM t -- :comment\n"
                + "WHERE a = ? AND b = ANY(?::uuid[]) AND c = ?");
    assertThat(parsed.names()).containsExactly("a", "ids", "a");
  }
}
