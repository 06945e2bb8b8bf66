package eu.runlater.platform.web;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.DatabaseOutageFilter;
import eu.runlater.platform.errors.DatabaseUnavailable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors raised by page controllers render the app's error page: a 404 for anything missing or
 * another organization's (the same page), a 403 naming what the role may not do, a 500 with a
 * reference to quote. A stream that times out, loses its client or fails once its response has
 * started ends as it is: no page can be written into an event stream.
 */
@ControllerAdvice(annotations = Pages.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class PageErrors {
  private static final Logger log = LoggerFactory.getLogger(PageErrors.class);
  private final List<PageChrome> chrome;

  PageErrors(List<PageChrome> chrome) {
    this.chrome = chrome;
  }

  @ExceptionHandler(PageException.class)
  ModelAndView page(PageException e, HttpServletRequest request, HttpServletResponse response) {
    return page(e.status(), e.getMessage(), null, request, response);
  }

  @ExceptionHandler(ApiProblem.class)
  ModelAndView problem(ApiProblem e, HttpServletRequest request, HttpServletResponse response) {
    HttpStatus status = e.status();
    String message =
        status == HttpStatus.NOT_FOUND
            ? "There is nothing here, or it is not yours."
            : e.getMessage();
    return page(status, message, null, request, response);
  }

  @ExceptionHandler(org.springframework.beans.TypeMismatchException.class)
  ModelAndView mismatch(HttpServletRequest request, HttpServletResponse response) {
    // A malformed id in the path is a page that does not exist.
    return page(
        HttpStatus.NOT_FOUND,
        "There is nothing here, or it is not yours.",
        null,
        request,
        response);
  }

  @ExceptionHandler(Exception.class)
  ModelAndView unexpected(Exception e, HttpServletRequest request, HttpServletResponse response) {
    if (e instanceof AsyncRequestTimeoutException || e instanceof AsyncRequestNotUsableException) {
      // A live stream that ran out its time or whose client went away: routine, and the response
      // is an event stream (or gone), so no page can go into it. The client reconnects.
      log.debug("Stream {} ended: {}", request.getRequestURI(), e.toString());
      return new ModelAndView();
    }
    if (response.isCommitted()) {
      // The response is under way (an event stream): an error page would be written into it.
      log.warn(
          "Error on page {} {} after the response started; ended it: {}",
          request.getMethod(),
          request.getRequestURI(),
          e.toString());
      return new ModelAndView();
    }
    var outage = DatabaseUnavailable.of(e);
    if (outage.isPresent()) {
      // The database is away, restarting or full: a 503 to try again, not a bug to quote.
      outage.get().logAnswered(log, request.getMethod(), request.getRequestURI(), e);
      response.setHeader(
          org.springframework.http.HttpHeaders.RETRY_AFTER,
          Long.toString(outage.get().retryAfterSeconds()));
      return page(
          HttpStatus.SERVICE_UNAVAILABLE,
          DatabaseOutageFilter.pageMessage(outage.get()),
          null,
          request,
          response);
    }
    if (e instanceof org.springframework.web.ErrorResponse framework) {
      // Spring MVC's own: a missing parameter (400), a wrong method (405), …
      HttpStatus status = HttpStatus.valueOf(framework.getStatusCode().value());
      String message =
          status == HttpStatus.NOT_FOUND
              ? "There is nothing here, or it is not yours."
              : "This request cannot be served (" + status.getReasonPhrase() + ").";
      return page(status, message, null, request, response);
    }
    String reference = UUID.randomUUID().toString();
    log.error(
        "Unexpected error on page {} {} (reference {})",
        request.getMethod(),
        request.getRequestURI(),
        reference,
        e);
    return page(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Try again; if it persists, quote the reference.",
        reference,
        request,
        response);
  }

  /**
   * The error page for {@code status}, with the layout's header when someone is signed in (and, for
   * a "not found", the offer to switch to the organization that holds it).
   */
  public ModelAndView page(
      HttpStatus status,
      String message,
      String reference,
      HttpServletRequest request,
      HttpServletResponse response) {
    ModelAndView view = view(status, message, reference, response);
    for (PageChrome c : chrome) {
      try {
        c.addTo(view, status, request);
      } catch (RuntimeException e) {
        // The error page must render even when the header cannot (the database is down).
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
          log.debug("Error page {} without its header: {}", request.getRequestURI(), e.toString());
        } else {
          log.warn("Error page {} without its header: {}", request.getRequestURI(), e.toString());
        }
      }
    }
    return view;
  }

  public static ModelAndView view(
      HttpStatus status, String message, String reference, HttpServletResponse response) {
    ModelAndView view = new ModelAndView("error");
    view.setStatus(status);
    view.addObject("status", status.value());
    view.addObject("title", title(status));
    view.addObject("message", message);
    view.addObject("reference", reference);
    return view;
  }

  static String title(HttpStatus status) {
    return switch (status.value()) {
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 503 -> "Temporarily unavailable";
      default -> status.is5xxServerError() ? "Something went wrong" : status.getReasonPhrase();
    };
  }
}
