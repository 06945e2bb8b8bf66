package eu.runlater.platform.errors;

import eu.runlater.platform.web.PageErrors;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors that never reach a controller (raised in a filter, or by the servlet container) end up at
 * {@code /error}; answer them as problem details too, with no stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {
  private final PageErrors pages;

  ProblemErrorController(PageErrors pages) {
    this.pages = pages;
  }

  /** A browser navigating to a page gets the app's error page, not JSON. */
  @RequestMapping(value = "/error", produces = MediaType.TEXT_HTML_VALUE)
  ModelAndView page(HttpServletRequest request, HttpServletResponse response) {
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
      var outage = DatabaseUnavailable.of(failure);
      if (outage.isPresent()) {
        response.setHeader(
            org.springframework.http.HttpHeaders.RETRY_AFTER,
            Long.toString(outage.get().retryAfterSeconds()));
        return pages.page(
            HttpStatus.SERVICE_UNAVAILABLE,
            DatabaseOutageFilter.pageMessage(outage.get()),
            null,
            request,
            response);
      }
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
    if (status == null) {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String message =
        switch (status.value()) {
          case 404 -> "There is nothing here, or it is not yours.";
          case 403 -> "This request was refused: reload the page and try again.";
          default ->
              status.is5xxServerError()
                  ? "Something went wrong on our side. Try again in a moment."
                  : status.getReasonPhrase() + ".";
        };
    return pages.page(status, message, null, request, response);
  }

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
      var outage = DatabaseUnavailable.of(failure);
      if (outage.isPresent()) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .headers(outage.get().headers())
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(outage.get().problem());
      }
    }
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    HttpStatus httpStatus = HttpStatus.resolve(status);
    if (httpStatus == null) {
      httpStatus = HttpStatus.INTERNAL_SERVER_ERROR;
    }
    String detail =
        switch (status) {
          case 404 -> "Nothing is served at this path.";
          case 413 -> "The request body is too large.";
          default ->
              status >= 500
                  ? "Something went wrong on our side; retry, and report it if it persists."
                  : httpStatus.getReasonPhrase() + ".";
        };
    ProblemDetail problem =
        Problems.of(
            httpStatus, ProblemHandler.typeFor(status), httpStatus.getReasonPhrase(), detail);
    return ResponseEntity.status(httpStatus)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
