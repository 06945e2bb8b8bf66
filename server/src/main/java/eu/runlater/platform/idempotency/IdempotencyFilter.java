package eu.runlater.platform.idempotency;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.Problems;
import eu.runlater.platform.security.ApiPrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} on creating POSTs: the first request with a key runs in a transaction
 * that also records its response, and only after that commits does the client get the answer; a
 * repeat with the same key and body gets the recorded response (with {@code Idempotent-Replayed:
 * true}) and creates nothing; the same key with a different body is a 422. Concurrent repeats wait
 * on the first (the key's row lock) and then replay it. Error answers are not recorded, so a
 * corrected request may reuse its key. Keys are kept for 24 hours.
 *
 * <p>An answer that carries a secret ({@link SecretResponse} on its handler, or anything that looks
 * like an API key or a signing secret) is never stored: the row records only that the request
 * succeeded, and a repeat is answered 409 {@code idempotency-answer-withheld}. Replaying a redacted
 * answer instead would look like success to a client that lost the first one, and it would carry on
 * without the secret it needs; running the request again would create a second key or rotate the
 * secret again. The 409 tells it plainly that the work was done and the answer is gone.
 */
public final class IdempotencyFilter extends OncePerRequestFilter {
  public static final String HEADER = "Idempotency-Key";
  static final Duration KEEP = Duration.ofHours(24);
  static final int MAX_KEY_LENGTH = 255;

  /** Request attribute set (by an interceptor) when the handler is a {@link SecretResponse}. */
  static final String SECRET_RESPONSE = IdempotencyFilter.class.getName() + ".secret";

  // A safety net behind the annotation: the shapes of the secrets this server hands out once.
  private static final java.util.regex.Pattern SECRET_SHAPES =
      java.util.regex.Pattern.compile("sk_live_[A-Za-z0-9_-]{20}|whsec_[A-Za-z0-9+/=]{20}");
  // The proxy's options travel as headers and its destination's query string is part of the
  // request.
  private static final String PROXY = "/q/";

  private final IdempotencyStore store;
  private final TransactionTemplate tx;
  private final Problems problems;
  private final InstantSource clock;

  public IdempotencyFilter(
      IdempotencyStore store, TransactionTemplate tx, Problems problems, InstantSource clock) {
    this.store = store;
    this.tx = tx;
    this.problems = problems;
    this.clock = clock;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || request.getHeader(HEADER) == null
        || !(request.getRequestURI().startsWith("/api/")
            || request.getRequestURI().startsWith(PROXY));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof ApiPrincipal caller)) {
      chain.doFilter(request, response);
      return;
    }
    String key = request.getHeader(HEADER).strip();
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      problems.write(
          response,
          ApiProblem.invalid(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " characters")
              .toProblemDetail());
      return;
    }
    byte[] body = request.getInputStream().readAllBytes();
    byte[] hash = hash(requestIdentity(request), body);
    ContentCachingResponseWrapper recorded = new ContentCachingResponseWrapper(response);
    Outcome outcome;
    try {
      outcome =
          tx.execute(
              status -> {
                Optional<IdempotencyStore.Recorded> earlier =
                    store.claim(caller.organizationId(), key, hash, clock.instant().minus(KEEP));
                if (earlier.isPresent()) {
                  status.setRollbackOnly();
                  return new Outcome(earlier.get());
                }
                try {
                  chain.doFilter(new Replayable(request, body), recorded);
                } catch (IOException | ServletException e) {
                  throw new IllegalStateException(e);
                }
                if (recorded.getStatus() >= 300) {
                  status.setRollbackOnly();
                } else if (carriesSecret(request, recorded.getContentAsByteArray())) {
                  store.recordWithheld(caller.organizationId(), key, recorded.getStatus());
                } else {
                  store.record(
                      caller.organizationId(),
                      key,
                      recorded.getStatus(),
                      recorded.getContentType(),
                      recorded.getContentAsByteArray());
                }
                return new Outcome(null);
              });
    } catch (IdempotencyStore.KeyReused e) {
      problems.write(
          response,
          new ApiProblem(
                  HttpStatus.UNPROCESSABLE_CONTENT,
                  "idempotency-key-reused",
                  "Idempotency-Key reused",
                  "This Idempotency-Key was used with a different request in the last 24 hours."
                      + " Use a new key for a new request.")
              .toProblemDetail());
      return;
    }
    if (outcome.replay() != null && outcome.replay().withheld()) {
      problems.write(
          response,
          new ApiProblem(
                  HttpStatus.CONFLICT,
                  "idempotency-answer-withheld",
                  "Answer not kept",
                  "The first request with this Idempotency-Key succeeded (status "
                      + outcome.replay().status()
                      + "), but its answer carried a secret, which is never stored, so it cannot"
                      + " be replayed. The work is done: do not send the request again blindly."
                      + " If the secret was lost, create or rotate again with a new"
                      + " Idempotency-Key.")
              .toProblemDetail());
      return;
    }
    if (outcome.replay() != null) {
      IdempotencyStore.Recorded r = outcome.replay();
      response.setStatus(r.status());
      if (r.contentType() != null) {
        response.setContentType(r.contentType());
      }
      response.setHeader("Idempotent-Replayed", "true");
      response.getOutputStream().write(r.body());
      return;
    }
    // Committed: now the client may learn the result.
    recorded.copyBodyToResponse();
  }

  private record Outcome(IdempotencyStore.Recorded replay) {}

  static boolean carriesSecret(HttpServletRequest request, byte[] body) {
    return Boolean.TRUE.equals(request.getAttribute(SECRET_RESPONSE))
        || SECRET_SHAPES
            .matcher(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1))
            .find();
  }

  /**
   * What, beside the body, makes two requests the same: the path, and for the proxy also the query
   * string and the {@code Runlater-*} headers (its destination and options).
   */
  static String requestIdentity(HttpServletRequest request) {
    String path = request.getRequestURI();
    if (!path.startsWith(PROXY)) {
      return path;
    }
    StringBuilder identity = new StringBuilder(path).append('?');
    if (request.getQueryString() != null) {
      identity.append(request.getQueryString());
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String name : java.util.Collections.list(request.getHeaderNames())) {
      if (name.toLowerCase(java.util.Locale.ROOT).startsWith("runlater-")) {
        names.add(name.toLowerCase(java.util.Locale.ROOT));
      }
    }
    java.util.Collections.sort(names);
    for (String name : names) {
      identity.append('\n').append(name).append(':');
      identity.append(String.join(",", java.util.Collections.list(request.getHeaders(name))));
    }
    identity.append('\n').append(request.getMethod()).append(' ').append(request.getContentType());
    return identity.toString();
  }

  static byte[] hash(String path, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(body);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The request with its already-read body available again. */
  private static final class Replayable extends HttpServletRequestWrapper {
    private final byte[] body;

    Replayable(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("blocking reads only");
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      return new java.io.BufferedReader(
          new java.io.InputStreamReader(getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
