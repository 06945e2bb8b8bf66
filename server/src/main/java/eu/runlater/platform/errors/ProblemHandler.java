package eu.runlater.platform.errors;

import eu.runlater.platform.database.GroupCommit;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every error raised in a controller into {@code application/problem+json} with a stable
 * {@code type}: Spring MVC's own (404, 405, 415, …) through the base class, Runlater's {@link
 * ApiProblem}s, unreadable bodies, and anything unexpected as a 500 that names a reference but
 * never a stack trace.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  private static boolean isPageRequest(HttpServletRequest request) {
    String path = request.getRequestURI();
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return !path.startsWith("/api/")
        && !path.startsWith("/q/")
        && accept != null
        && accept.contains("text/html");
  }

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
    return ResponseEntity.status(problem.status()).body(problem.toProblemDetail());
  }

  /**
   * Too many writes wait for a group commit: this one was not stored, so the client may send it
   * again.
   */
  @ExceptionHandler(GroupCommit.Full.class)
  ResponseEntity<ProblemDetail> busy(GroupCommit.Full e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(
            Problems.of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "busy",
                "Too many writes waiting",
                "Too many writes are waiting to be stored; this one was not. Send it again in a"
                    + " second."));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    java.util.Optional<DatabaseUnavailable> outage = DatabaseUnavailable.of(e);
    if (outage.isPresent()) {
      // Not a bug: the database is away, restarting or full. Nothing was committed (a failed
      // commit is an error too), so the client may send the same request again.
      outage.get().logAnswered(log, request.getMethod(), request.getRequestURI(), e);
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .headers(outage.get().headers())
          .body(outage.get().problem());
    }
    if (NulCharacters.refusedByDatabase(e)) {
      // A value that no check caught failed its statement: the client can fix it, so this is no
      // server error; the warning shows where a check is missing.
      log.warn(
          "A value PostgreSQL cannot store reached the database on {} {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          DatabaseUnavailable.rootMessage(e));
      return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
          .body(
              Problems.of(
                  HttpStatus.UNPROCESSABLE_CONTENT,
                  "validation",
                  "Invalid request",
                  "A value holds a character PostgreSQL cannot store (NUL, \\u0000); remove it"
                      + " and send the request again."));
    }
    String reference = UUID.randomUUID().toString();
    log.error(
        "Unexpected error on {} {} (reference {})",
        request.getMethod(),
        request.getRequestURI(),
        reference,
        e);
    ProblemDetail problem =
        Problems.of(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "internal-error",
            "Internal error",
            "Something went wrong on our side. Nothing you sent is at fault; retry, and quote"
                + " reference "
                + reference
                + " if it persists.");
    problem.setProperty("reference", reference);
    return ResponseEntity.internalServerError().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    Throwable cause = e.getCause();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PayloadTooLargeException tooLarge) {
        return problem(RequestBodyLimitFilter.tooLarge(tooLarge.limit()));
      }
    }
    if (cause instanceof NulCharacters.Refused nul) {
      String field = path(nul);
      return problem(
          ApiProblem.invalid(field.isEmpty() ? "body" : field, NulCharacters.MESSAGE)
              .toProblemDetail());
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      String field = path(unknown);
      return problem(
          ApiProblem.invalid(
                  field,
                  "is not a known field"
                      + (unknown.getKnownPropertyIds().isEmpty()
                          ? ""
                          : "; known fields here: "
                              + unknown.getKnownPropertyIds().stream()
                                  .map(String::valueOf)
                                  .sorted()
                                  .collect(Collectors.joining(", "))))
              .toProblemDetail());
    }
    if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      String expected =
          mismatch.getTargetType() == null ? "another type" : describe(mismatch.getTargetType());
      return problem(ApiProblem.invalid(path(mismatch), "must be " + expected).toProblemDetail());
    }
    String detail;
    if (cause instanceof StreamReadException malformed) {
      detail =
          "The body is not valid JSON: "
              + malformed.getOriginalMessage()
              + (malformed.getLocation() == null
                  ? ""
                  : " (line "
                      + malformed.getLocation().getLineNr()
                      + ", column "
                      + malformed.getLocation().getColumnNr()
                      + ")");
    } else if (cause == null || e.getMessage().startsWith("Required request body is missing")) {
      detail = "This request needs a JSON body.";
    } else {
      detail = "The body could not be read as this endpoint's JSON.";
    }
    return problem(
        Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request", detail));
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (request instanceof ServletWebRequest servlet && isPageRequest(servlet.getRequest())) {
      // A browser asking for a missing page gets the app's 404 page, rendered at /error.
      try {
        servlet.getResponse().sendError(HttpStatus.NOT_FOUND.value());
      } catch (java.io.IOException ignored) {
        // The client went away.
      }
      return null;
    }
    return problem(
        Problems.of(
            HttpStatus.NOT_FOUND,
            "not-found",
            "Not found",
            "No endpoint at "
                + e.getHttpMethod()
                + " /"
                + e.getResourcePath()
                + ". The API is listed at /swagger-ui.html."));
  }

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (e instanceof MethodArgumentTypeMismatchException mismatch
        && mismatch
            .getParameter()
            .hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class)) {
      // A malformed id names nothing that exists: the same answer as an unknown one.
      return problem(ApiProblem.notFound("resource", e.getValue()).toProblemDetail());
    }
    String name = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
    String expected = e.getRequiredType() == null ? "another type" : describe(e.getRequiredType());
    return problem(ApiProblem.invalid(name, "must be " + expected).toProblemDetail());
  }

  @Override
  protected ResponseEntity<Object> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      problem.setType(ApiProblem.typeUri(typeFor(status.value())));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  private static ResponseEntity<Object> problem(ProblemDetail problem) {
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }

  private static ResponseEntity<Object> problem(ApiProblem problem) {
    return problem(problem.toProblemDetail());
  }

  static String typeFor(int status) {
    return switch (status) {
      case 400 -> "malformed-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 409 -> "conflict";
      case 413 -> "payload-too-large";
      case 415 -> "unsupported-media-type";
      case 422 -> "validation";
      case 429 -> "rate-limited";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal-error" : "request-error";
    };
  }

  private static String path(DatabindException e) {
    List<String> parts =
        e.getPath().stream()
            .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "" + ref.getIndex())
            .toList();
    return String.join(".", parts);
  }

  private static String describe(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == UUID.class) {
      return "a UUID";
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "an RFC 3339 timestamp such as 2026-01-31T09:00:00Z";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "a JSON object";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a JSON array";
    }
    return "a " + type.getSimpleName();
  }
}
