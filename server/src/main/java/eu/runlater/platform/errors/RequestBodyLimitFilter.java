package eu.runlater.platform.errors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies at {@link #MAX_BODY_BYTES}, and a bulk push's at {@link #MAX_BATCH_BYTES}
 * (1,000 messages; each message's own body is still held to 256 KB by the request rules). A
 * declared {@code Content-Length} over the cap is refused before a byte is read; a chunked body is
 * counted as it streams and fails the read that crosses the cap, which {@link ProblemHandler}
 * answers with 413.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodyLimitFilter extends OncePerRequestFilter {
  public static final long MAX_BODY_BYTES = 256 * 1024;
  public static final long MAX_BATCH_BYTES = 10 * 1024 * 1024;
  static final String BATCH_PATH = "/api/v1/messages/batch";
  static final String INBOUND_PATH = "/in/";

  private final Problems problems;

  public RequestBodyLimitFilter(Problems problems) {
    this.problems = problems;
  }

  static ProblemDetail tooLarge(long limit) {
    return Problems.of(
        HttpStatus.CONTENT_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        limit == MAX_BATCH_BYTES
            ? "The batch is larger than 10 MB. Split it into smaller batches."
            : "The request body is larger than "
                + limit / 1024
                + " KB. Send a smaller body (request bodies delivered to targets are limited to"
                + " 256 KB).");
  }

  /**
   * Inbound webhooks' hosted URLs take bodies up to 1 MB and record a larger one as a rejected
   * request before answering 413, so they count their bodies themselves.
   */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return request.getRequestURI().startsWith(INBOUND_PATH);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = BATCH_PATH.equals(request.getRequestURI()) ? MAX_BATCH_BYTES : MAX_BODY_BYTES;
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      problems.write(response, tooLarge(limit));
      return;
    }
    chain.doFilter(new Limited(request, limit), response);
  }

  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class CountingStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long count;

    CountingStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws PayloadTooLargeException {
      count += n;
      if (count > limit) {
        throw new PayloadTooLargeException(limit);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
