package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link Rows} maps what JdbcClient's own record mapper maps, the same way, on real PostgreSQL:
 * snake_case and plain column names, conversions (uuid, timestamptz to Instant, numbers, null),
 * several rows through one mapper, and a missing column named in the error.
 */
class RowsTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  record Run(
      UUID id, UUID organizationId, String state, Instant createdAt, int version, Long remaining) {}

  private static final String RUNS =
      """
      SELECT CAST(:id AS uuid) AS id, CAST(:org AS uuid) AS organization_id, 'running' AS state,
             CAST('2026-12-04T10:15:30.123456Z' AS timestamptz) AS created_at, v AS version,
             CASE WHEN v = 2 THEN NULL ELSE v * 10 END AS remaining, 'unused' AS extra
      FROM generate_series(1, 3) AS v ORDER BY v
      """;

  @Test
  void maps_records_as_jdbc_clients_own_mapper_does() {
    UUID id = UUID.randomUUID();
    UUID org = UUID.randomUUID();
    List<Run> ours =
        jdbc.sql(RUNS).param("id", id).param("org", org).query(Rows.of(Run.class)).list();
    List<Run> spring = jdbc.sql(RUNS).param("id", id).param("org", org).query(Run.class).list();

    assertThat(ours).isEqualTo(spring);
    assertThat(ours)
        .containsExactly(
            new Run(id, org, "running", Instant.parse("2026-12-04T10:15:30.123456Z"), 1, 10L),
            new Run(id, org, "running", Instant.parse("2026-12-04T10:15:30.123456Z"), 2, null),
            new Run(id, org, "running", Instant.parse("2026-12-04T10:15:30.123456Z"), 3, 30L));
  }

  @Test
  void a_column_named_without_underscores_or_in_another_case_maps_too() {
    Run run =
        jdbc.sql(
                "SELECT gen_random_uuid() AS ID, gen_random_uuid() AS organizationid, 'x' AS state,"
                    + " now() AS createdat, 7 AS version, NULL AS remaining")
            .query(Rows.of(Run.class))
            .single();

    assertThat(run.version()).isEqualTo(7);
    assertThat(run.organizationId()).isNotNull();
    assertThat(run.remaining()).isNull();
  }

  @Test
  void a_missing_column_is_named() {
    assertThatThrownBy(
            () ->
                jdbc.sql("SELECT gen_random_uuid() AS id, 'x' AS state")
                    .query(Rows.of(Run.class))
                    .list())
        .hasMessageContaining("Run.organizationId");
  }

  @Test
  void only_records_are_mapped() {
    assertThatThrownBy(() -> Rows.of(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a record");
  }
}
