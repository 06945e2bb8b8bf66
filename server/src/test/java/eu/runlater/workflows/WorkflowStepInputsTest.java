package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an http step's start and end read without parsing what they need not: the steps whose
 * outputs its templates name (only those are parsed into the context), and whether a response body
 * may be JSON at all (a body that cannot is kept as text without a parse that fails). The runs
 * through the API ({@link WorkflowRunsTest}) show the rendered requests and outputs themselves.
 */
class WorkflowStepInputsTest {
  @Test
  void templatesNameTheStepsTheyRead() {
    assertThat(
            Templates.stepsRead(
                List.of(
                    "https://x.test/orders/{{ steps.fetch.output.body.id }}",
                    "Bearer {{ input.token }}",
                    "{{ run.id }}/{{steps.second-step.output.status}}",
                    "no template",
                    "{{ steps.fetch.output.headers.etag }}")))
        .containsExactlyInAnyOrder("fetch", "second-step");
    assertThat(Templates.stepsRead(List.of("{{ input.a }}", "{{ run.id }}"))).isEmpty();
    // A malformed template reads as it always has: over every step's output.
    assertThat(Templates.stepsRead(List.of("{{ steps.a.output }}", "{{ broken"))).isNull();
  }

  @Test
  void onlyWhatMayStartAJsonValueIsParsed() {
    for (String json :
        List.of("{\"a\": 1}", "  [1]", "\"s\"", "-1", "42", "true", "false", "null", "\n{}", "")) {
      assertThat(StepOutcomes.mayBeJson(json)).as(json).isTrue();
    }
    for (String text : List.of("ok", "<html></html>", "  Accepted", "OK\n", "+1")) {
      assertThat(StepOutcomes.mayBeJson(text)).as(text).isFalse();
    }
  }
}
