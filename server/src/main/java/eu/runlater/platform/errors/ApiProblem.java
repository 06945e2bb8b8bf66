package eu.runlater.platform.errors;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error a client can act on, answered as RFC 9457 {@code application/problem+json}. Thrown
 * before anything changes, so a 4xx never leaves partial writes behind.
 */
public class ApiProblem extends RuntimeException {
  public static final String TYPE_BASE = "https://runlater.eu/problems/";

  private final HttpStatus status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;

  public ApiProblem(HttpStatus status, String type, String title, String detail) {
    this(status, type, title, detail, List.of());
  }

  public ApiProblem(
      HttpStatus status, String type, String title, String detail, List<FieldError> errors) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  /** 404 for an id that does not exist or belongs to another organization (the same answer). */
  public static ApiProblem notFound(String what, Object id) {
    return new ApiProblem(
        HttpStatus.NOT_FOUND, "not-found", "Not found", "No " + what + " with id " + id + ".");
  }

  /** 422 listing every invalid field. */
  public static ApiProblem invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.getFirst().field() + ": " + errors.getFirst().message()
            : errors.size() + " fields are invalid; see errors.";
    return new ApiProblem(
        HttpStatus.UNPROCESSABLE_CONTENT, "validation", "Invalid request", detail, errors);
  }

  public static ApiProblem invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static ApiProblem conflict(String type, String detail) {
    return new ApiProblem(HttpStatus.CONFLICT, type, "Conflict", detail);
  }

  public HttpStatus status() {
    return status;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public ProblemDetail toProblemDetail() {
    ProblemDetail problem = Problems.of(status, type, title, getMessage());
    if (!errors.isEmpty()) {
      problem.setProperty("errors", errors);
    }
    return problem;
  }

  static URI typeUri(String type) {
    return URI.create(TYPE_BASE + type);
  }
}
