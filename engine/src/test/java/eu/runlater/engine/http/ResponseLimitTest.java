package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** At most maxResponseBytes of a body are kept, and no more than that is read. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResponseLimitTest {
  private static final int LIMIT = HttpDeliveryConfig.DEFAULT_MAX_RESPONSE_BYTES;

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Body byte i is i % 251, so a test can tell which part of the body it got. */
  private static byte[] pattern(int from, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) ((from + i) % 251);
    }
    return out;
  }

  private RawServer serving(long length, boolean chunked, CountDownLatch writeFailed)
      throws IOException {
    return closeLater(
        RawServer.start(
            (request, out) -> {
              String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + length;
              out.write(("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n").getBytes());
              try {
                writeBody(out, length, chunked);
              } catch (IOException e) {
                writeFailed.countDown();
                throw e;
              }
              return true;
            }));
  }

  private static void writeBody(OutputStream out, long length, boolean chunked) throws IOException {
    long sent = 0;
    while (length < 0 || sent < length) {
      int n = (int) (length < 0 ? 16 * 1024 : Math.min(16 * 1024, length - sent));
      byte[] piece = pattern((int) (sent % 251), n);
      if (chunked) {
        out.write((Integer.toHexString(n) + "\r\n").getBytes());
      }
      out.write(piece);
      if (chunked) {
        out.write("\r\n".getBytes());
      }
      sent += n;
    }
    if (chunked) {
      out.write("0\r\n\r\n".getBytes());
    }
    out.flush();
  }

  @Test
  void keeps_exactly_the_limit_of_a_5_mb_body_and_marks_it_truncated() throws Exception {
    RawServer server = serving(5L * 1024 * 1024, false, new CountDownLatch(1));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    long start = System.nanoTime();
    HttpOutcome outcome = delivery.send(Calls.post(server.url("/big"), Duration.ofSeconds(30)));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.body()).hasSize(256 * 1024);
              assertThat(Arrays.equals(r.body(), pattern(0, LIMIT))).isTrue();
              assertThat(r.bodyTruncated()).isTrue();
            });
  }

  @Test
  void drops_the_connection_instead_of_draining_an_endless_body() throws Exception {
    CountDownLatch serverSawTheClose = new CountDownLatch(1);
    RawServer server = serving(-1, true, serverSawTheClose);
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    long start = System.nanoTime();
    HttpOutcome outcome = delivery.send(Calls.post(server.url("/endless"), Duration.ofSeconds(30)));

    // Draining would run into the 30 s deadline and come back as a TIMEOUT.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.body()).hasSize(LIMIT);
              assertThat(r.bodyTruncated()).isTrue();
            });
    assertThat(serverSawTheClose.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(delivery.poolStats().getAvailable()).isZero();
  }

  @Test
  void a_body_of_exactly_the_limit_is_not_truncated_and_the_connection_is_reused()
      throws Exception {
    RawServer server = serving(LIMIT, false, new CountDownLatch(1));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    HttpOutcome first = delivery.send(Calls.post(server.url("/exact")));
    HttpOutcome second = delivery.send(Calls.post(server.url("/exact")));

    for (HttpOutcome outcome : List.of(first, second)) {
      assertThat(outcome)
          .isInstanceOfSatisfying(
              Responded.class,
              r -> {
                assertThat(r.body()).hasSize(LIMIT);
                assertThat(r.bodyTruncated()).isFalse();
              });
    }
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void a_chunked_body_of_exactly_the_limit_is_not_truncated() throws Exception {
    RawServer server = serving(LIMIT, true, new CountDownLatch(1));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    HttpOutcome outcome = delivery.send(Calls.post(server.url("/exact")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(Arrays.equals(r.body(), pattern(0, LIMIT))).isTrue();
              assertThat(r.bodyTruncated()).isFalse();
            });
  }

  @Test
  void one_byte_over_the_limit_is_truncated() throws Exception {
    RawServer server = serving(LIMIT + 1, true, new CountDownLatch(1));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    HttpOutcome outcome = delivery.send(Calls.post(server.url("/over")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.body()).hasSize(LIMIT);
              assertThat(r.bodyTruncated()).isTrue();
            });
  }

  @Test
  void honours_a_smaller_configured_limit() throws Exception {
    RawServer server = serving(1000, false, new CountDownLatch(1));
    HttpDelivery delivery =
        closeLater(
            new HttpDelivery(
                HttpDeliveryConfig.defaults(Calls.LOOPBACK)
                    .withResolver(new FakeResolver())
                    .withMaxResponseBytes(10)));

    HttpOutcome outcome = delivery.send(Calls.post(server.url("/small")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Responded.class,
            r -> {
              assertThat(r.body()).isEqualTo(pattern(0, 10));
              assertThat(r.bodyTruncated()).isTrue();
            });
  }

  @Test
  void refuses_endless_response_headers_as_an_io_failure() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  out.write("HTTP/1.1 200 OK\r\n".getBytes());
                  for (int i = 0; i < 100_000; i++) {
                    out.write(("X-Filler-" + i + ": " + "v".repeat(100) + "\r\n").getBytes());
                  }
                  out.flush();
                  return false;
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    HttpOutcome outcome = delivery.send(Calls.post(server.url("/headers")));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.kind()).isEqualTo(FailureKind.IO);
              assertThat(f.message()).contains("127.0.0.1").contains("header count");
            });
  }
}
