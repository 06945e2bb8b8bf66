package eu.runlater.accounts;

import eu.runlater.platform.web.PageErrors;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A page that hashes a password (sign-up, reset) while every hashing slot is busy answers 503 with
 * {@code Retry-After} and the error page. No API path hashes passwords (API keys are SHA-256), so
 * there is no problem+json variant. Sign-in itself is answered by {@link SignInFlow}, before any
 * controller.
 */
@ControllerAdvice(annotations = eu.runlater.platform.web.Pages.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PasswordHashingBusyAdvice {

  @ExceptionHandler(PasswordHashingBusyException.class)
  ModelAndView busy(HttpServletResponse response) {
    response.setHeader(
        "Retry-After", String.valueOf(PasswordHashingBusyException.RETRY_AFTER_SECONDS));
    return PageErrors.view(
        HttpStatus.SERVICE_UNAVAILABLE, PasswordHashingBusyException.MESSAGE, null, response);
  }
}
