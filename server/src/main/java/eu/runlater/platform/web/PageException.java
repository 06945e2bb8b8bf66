package eu.runlater.platform.web;

import org.springframework.http.HttpStatus;

/** Ends a page request with the app's error page for {@code status}. */
public class PageException extends RuntimeException {
  private final HttpStatus status;

  public PageException(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  public static PageException notFound() {
    return new PageException(HttpStatus.NOT_FOUND, "There is nothing here, or it is not yours.");
  }

  public static PageException forbidden(String what) {
    return new PageException(HttpStatus.FORBIDDEN, "Your role does not allow you to " + what + ".");
  }
}
