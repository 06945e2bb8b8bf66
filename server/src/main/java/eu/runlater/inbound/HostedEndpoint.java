package eu.runlater.inbound;

import eu.runlater.platform.database.GroupCommit;
import eu.runlater.platform.web.PublicUrl;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.InstantSource;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The hosted URLs, {@code /in/<token>[/<anything>]}: any method, no session or API key (the token
 * is the secret; the source's verification is the proof). The body is read here, up to {@link
 * Inbox#MAX_BODY} and one byte more to tell a larger one; the platform's 256 KB request limit does
 * not apply to these paths.
 */
@RestController
@io.swagger.v3.oas.annotations.security.SecurityRequirements
@Tag(name = "Inbound sources")
class HostedEndpoint {
  static final String PREFIX = "/in/";

  /**
   * How many times a request is handled with its source read afresh when the source keeps changing
   * under it; then it is answered 503 (not stored: send it again).
   */
  private static final int ATTEMPTS = 3;

  private final Sources sources;
  private final Inbox inbox;
  private final PublicUrl publicUrl;
  private final InstantSource clock;

  HostedEndpoint(Sources sources, Inbox inbox, PublicUrl publicUrl, InstantSource clock) {
    this.sources = sources;
    this.inbox = inbox;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  @RequestMapping(
      path = {"/in/{token}", "/in/{token}/**"},
      method = {
        RequestMethod.GET,
        RequestMethod.HEAD,
        RequestMethod.POST,
        RequestMethod.PUT,
        RequestMethod.PATCH,
        RequestMethod.DELETE,
        RequestMethod.OPTIONS
      })
  @Operation(
      summary = "A source's hosted URL: receives a webhook (no auth: the token is the secret)",
      description =
          "Any method (others than those listed too, such as PROPFIND; not TRACE or CONNECT, which"
              + " the server refuses, nor a browser's CORS preflight); anything after the token is"
              + " kept as the request's path. The request"
              + " (method, path, query, headers, body up to 1 MB, source IP, time) is stored before"
              + " the answer: 202 {request_id, status} (or the source's configured status and"
              + " body; a Slack url_verification gets its challenge back). 401 when the source's"
              + " verification fails, 413 over 1 MB, 429 with Retry-After over the source's rate"
              + " limit: each stored as rejected with its reason. 404 for a token that is no"
              + " source's. 503 with Retry-After when too many requests wait to be stored (the"
              + " request was not stored: send it again).")
  ResponseEntity<String> receive(@PathVariable String token, HttpServletRequest request) {
    try {
      return answer(token, request);
    } catch (GroupCommit.Full e) {
      // Too many requests wait to be stored: this one was not, so it is not acknowledged.
      return busy();
    }
  }

  /**
   * Every method the mapping above does not name (PROPFIND, REPORT, a provider's own), handled the
   * same way. A mapping without methods matches any method but OPTIONS, and Spring MVC prefers the
   * one above for the methods it names. Hidden from the OpenAPI document, which has no words for
   * arbitrary methods: the operation above says they are taken.
   */
  @RequestMapping(path = {"/in/{token}", "/in/{token}/**"})
  @Hidden
  ResponseEntity<String> receiveOtherMethod(
      @PathVariable String token, HttpServletRequest request) {
    return receive(token, request);
  }

  private ResponseEntity<String> answer(String token, HttpServletRequest request) {
    Body body = new Body(request);
    Optional<Source> found = sources.byToken(token);
    for (int attempt = 1; found.isPresent(); attempt++) {
      try {
        return answer(found.get(), token, request, body);
      } catch (InboundEvents.Stale e) {
        // The source changed or went (on any node) after the cached copy verified this request,
        // and nothing was stored: handle it again with the source as it is now.
        if (attempt == ATTEMPTS) {
          return busy();
        }
        found = sources.byTokenFresh(token);
      }
    }
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(MediaType.TEXT_PLAIN)
        .body("not found\n");
  }

  private ResponseEntity<String> answer(
      Source source, String token, HttpServletRequest request, Body in) {
    // A request handled again took its unit of the bucket the first time.
    long retryAfter = in.admitted ? 0 : inbox.admit(source);
    in.admitted = retryAfter == 0;
    if (retryAfter > 0) {
      return inbox.rateLimited(
          source, received(token, request, null, declared(request)), retryAfter);
    }
    long declared = declared(request);
    if (declared > Inbox.MAX_BODY) {
      return inbox.tooLarge(source, received(token, request, null, declared));
    }
    byte[] body;
    try {
      body = in.read();
    } catch (IOException e) {
      // The body broke off: nothing was acknowledged, and the sender will retry.
      return ResponseEntity.status(HttpStatus.BAD_REQUEST)
          .contentType(MediaType.TEXT_PLAIN)
          .body("the body could not be read\n");
    }
    if (body.length > Inbox.MAX_BODY) {
      return inbox.tooLarge(source, received(token, request, null, -1));
    }
    return inbox.receive(source, received(token, request, body, body.length));
  }

  private static ResponseEntity<String> busy() {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .contentType(MediaType.TEXT_PLAIN)
        .body("busy, not stored: retry\n");
  }

  /**
   * The request's body, read once, and whether the source's rate limit let it in: a request handled
   * again reuses both.
   */
  private static final class Body {
    private final HttpServletRequest request;
    private byte[] bytes;
    private boolean admitted;

    Body(HttpServletRequest request) {
      this.request = request;
    }

    /** Up to {@link Inbox#MAX_BODY} and one byte more, to tell a larger body. */
    byte[] read() throws IOException {
      if (bytes == null) {
        try (InputStream in = request.getInputStream()) {
          bytes = in.readNBytes(Inbox.MAX_BODY + 1);
        }
      }
      return bytes;
    }
  }

  private static long declared(HttpServletRequest request) {
    return Math.max(0, request.getContentLengthLong());
  }

  private Received received(String token, HttpServletRequest request, byte[] body, long size) {
    String uri = request.getRequestURI();
    String path = uri.substring(Math.min(uri.length(), PREFIX.length() + token.length()));
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      for (String value : Collections.list(request.getHeaders(name))) {
        headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
      }
    }
    String query = request.getQueryString();
    return new Received(
        request.getMethod(),
        path,
        query,
        headers,
        body,
        size,
        request.getContentType(),
        request.getRemoteAddr(),
        publicUrl.of(uri + (query == null ? "" : "?" + query)),
        clock.instant());
  }
}
