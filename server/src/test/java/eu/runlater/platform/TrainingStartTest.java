package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The training start's requests ({@link TrainingStart}) reach what they are meant to exercise:
 * health answers, the sign-in page renders, the API and a push without a key get their 401 problem
 * documents, the dashboard its redirect to sign in; with a key, pushes and job creates are stored.
 */
class TrainingStartTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void a_first_visitors_requests_are_answered_as_a_first_visitor_is_answered() {
    Map<String, Integer> answers = TrainingStart.train(port);

    assertThat(answers)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "GET /health", 200,
                "GET /login", 200,
                "GET /api/v1/jobs", 401,
                "POST /api/v1/queues/training/messages", 401,
                "GET /", 302));
  }

  @Test
  void the_write_paths_are_trained_with_a_key_and_what_they_write_is_stored() {
    var tenant = fixtures.tenant();

    Map<String, Integer> answers = TrainingStart.trainWrites(port, tenant.key());

    assertThat(answers)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "PUT /api/v1/queues/training", 201,
                "POST /api/v1/queues/training/messages", 201,
                "POST /api/v1/jobs", 201));
    int each = TrainingStart.WRITE_THREADS * TrainingStart.WRITE_ROUNDS;
    assertThat(count("SELECT count(*) FROM messages WHERE organization_id = :org", tenant.id()))
        .isEqualTo(each);
    assertThat(count("SELECT count(*) FROM jobs WHERE organization_id = :org", tenant.id()))
        .isEqualTo(each);
  }

  private long count(String sql, java.util.UUID org) {
    return jdbc.sql(sql).param("org", org).query(Long.class).single();
  }
}
