package eu.runlater.platform.errors;

import eu.runlater.platform.database.StatementTimeouts;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * The outermost answer to a database that is away: every request runs with its statements bounded
 * ({@link StatementTimeouts#REQUEST}), and an outage that escapes everything inside (the session
 * store, the API-key check, the idempotency layer's commit, which all run in filters before or
 * around the controllers) is answered here with a 503 and {@code Retry-After}, as problem+json for
 * the API and as a page for a browser, instead of the container's 500. Errors raised in a
 * controller are answered the same way by {@link ProblemHandler} and the page errors.
 *
 * <p>Runs before Spring Session and Spring Security, so the error dispatch they would otherwise get
 * (and fail again on, since it too loads the session) never happens.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class DatabaseOutageFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageFilter.class);

  private final Problems problems;

  public DatabaseOutageFilter(Problems problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    boolean nested = StatementTimeouts.enterRequest();
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException e) {
      Optional<DatabaseUnavailable> outage = DatabaseUnavailable.of(e);
      if (outage.isEmpty() || response.isCommitted()) {
        throw e;
      }
      outage.get().logAnswered(log, request.getMethod(), request.getRequestURI(), e);
      response.reset();
      answer(outage.get(), request, response);
    } finally {
      StatementTimeouts.exitRequest(nested);
    }
  }

  private void answer(
      DatabaseUnavailable outage, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(outage.retryAfterSeconds()));
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (!wantsPage(request)) {
      problems.write(response, outage.problem());
      return;
    }
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setContentType(MediaType.TEXT_HTML_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter().write(page(outage));
  }

  /** A browser navigating to a page (not the API, not an htmx fragment or a script). */
  static boolean wantsPage(HttpServletRequest request) {
    String path = request.getRequestURI();
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return !path.startsWith("/api/")
        && !path.startsWith("/q/")
        && accept != null
        && accept.contains("text/html");
  }

  /**
   * The app's error page, written without the template engine or the database: the same markup as
   * {@code templates/error.html} for a visitor who is not signed in.
   */
  static String page(DatabaseUnavailable outage) {
    String title = HtmlUtils.htmlEscape(outage.title());
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>%s · Runlater</title>
          <link rel="icon" href="/img/icon.svg" type="image/svg+xml">
          <link rel="stylesheet" href="/css/app.css">
          <link rel="stylesheet" href="/css/accounts.css">
        </head>
        <body class="bare">
        <main class="content" id="content" tabindex="-1">
        <section class="error-page">
          <p class="error-code">503</p>
          <h1>%s</h1>
          <p>%s</p>
          <p><a class="btn" href="">Try again</a></p>
        </section>
        </main>
        <footer class="foot">Runlater</footer>
        </body>
        </html>
        """
        .formatted(title, title, HtmlUtils.htmlEscape(pageMessage(outage)));
  }

  /** What a person reading the page is told (the API's detail speaks of Idempotency-Key). */
  public static String pageMessage(DatabaseUnavailable outage) {
    return outage == DatabaseUnavailable.STORAGE_FULL
        ? "Runlater's database is out of disk space, so nothing new can be saved right now."
            + " Try again once the operator has freed space."
        : "Runlater cannot reach its database right now (it may be restarting). Try again in a"
            + " few seconds.";
  }
}
