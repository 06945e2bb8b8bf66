package eu.runlater.platform.errors;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds problem details with Runlater's stable {@code type} URIs, and writes them from places
 * outside Spring MVC (security filters, the body-size filter, the error controller).
 */
@Component
public class Problems {
  private final JsonMapper json;

  public Problems(JsonMapper json) {
    // The mixin puts extension members (errors, …) at the top level, as MVC's converter does.
    this.json =
        json.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
  }

  public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setType(ApiProblem.typeUri(type));
    problem.setTitle(title);
    return problem;
  }

  public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }
}
