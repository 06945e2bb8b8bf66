package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The training start's requests ({@link TrainingStart}) reach what they are meant to exercise:
 * health answers, the sign-in page renders, the API and a push without a key get their 401 problem
 * documents, the dashboard its redirect to sign in.
 */
class TrainingStartTest extends ServerTest {

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
}
