package eu.runlater.engine.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Reads at most a fixed number of response bytes.
 *
 * <p>The buffer grows with what actually arrives (a server's Content-Length is only a hint, and may
 * be a lie), never past the limit. Whether more was sent is learned from the Content-Length, or by
 * reading a single byte past the limit; the caller then drops the connection rather than reading
 * the rest, which might be gigabytes.
 */
record BoundedBody(byte[] bytes, boolean truncated) {
  private static final int FIRST_CHUNK = 8 * 1024;

  /**
   * Reads the body without closing it: closing an HttpClient body stream reads it to the end. When
   * the result is truncated the caller must discard the connection before closing the response.
   */
  static BoundedBody read(HttpEntity entity, int limit) throws IOException {
    InputStream in = entity == null ? null : entity.getContent();
    if (in == null) {
      return new BoundedBody(new byte[0], false);
    }
    long declared = entity.getContentLength();
    byte[] buffer = new byte[(int) Math.min(limit, declared >= 0 ? declared : FIRST_CHUNK)];
    int filled = 0;
    while (filled < limit) {
      if (filled == buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(FIRST_CHUNK, 2L * filled)));
      }
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        return new BoundedBody(trim(buffer, filled), false);
      }
      filled += n;
    }
    boolean more = declared > limit || in.read() >= 0;
    return new BoundedBody(trim(buffer, filled), more);
  }

  private static byte[] trim(byte[] buffer, int length) {
    return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
  }
}
