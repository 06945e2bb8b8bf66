package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import eu.runlater.engine.http.HttpOutcome.Responded;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The call's timeout is a deadline for the whole attempt, wherever it is spent. Every test uses a 1
 * s deadline and asserts the attempt ends no earlier than that and within a generous 1.5 s after.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineTest {
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final Duration TOLERANCE = Duration.ofMillis(1500);

  /** Released when a test ends, so that servers stuck on purpose let go. */
  private final CountDownLatch testOver = new CountDownLatch(1);

  private final List<AutoCloseable> closeables = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    testOver.countDown();
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Sends, and checks that the outcome is a TIMEOUT that ended at the deadline. */
  private static Failed timesOut(HttpDelivery delivery, HttpCall call) {
    long start = System.nanoTime();
    HttpOutcome outcome = delivery.send(call);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(Failed.class);
    Failed failed = (Failed) outcome;
    assertThat(failed.kind()).as(failed.message()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(took).isBetween(call.timeout(), call.timeout().plus(TOLERANCE));
    assertThat(Duration.ofNanos(failed.durationNanos()))
        .isBetween(call.timeout(), call.timeout().plus(TOLERANCE));
    return failed;
  }

  @Test
  void times_out_when_the_server_never_answers() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  testOver.await();
                  return false;
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    Failed failed = timesOut(delivery, Calls.post(server.url("/hook"), DEADLINE));

    assertThat(failed.message()).isEqualTo("no complete response from 127.0.0.1 within 1 s");
  }

  @Test
  void times_out_at_the_deadline_when_the_body_trickles_in_forever() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n".getBytes());
                  out.flush();
                  while (testOver.getCount() > 0) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200); // a deliberately slow server
                  }
                  return false;
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    timesOut(delivery, Calls.post(server.url("/hook"), DEADLINE));
  }

  @Test
  void times_out_when_name_resolution_hangs() throws Exception {
    HostResolver hanging =
        host -> {
          try {
            testOver.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new java.net.UnknownHostException(host);
        };
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery(hanging));

    timesOut(delivery, Calls.post(URI.create("http://slow-dns.example/hook"), DEADLINE));
  }

  @Test
  void times_out_while_waiting_for_a_pooled_connection() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  first.countDown();
                  testOver.await();
                  return false;
                }));
    HttpDelivery delivery =
        closeLater(
            new HttpDelivery(
                HttpDeliveryConfig.defaults(Calls.LOOPBACK)
                    .withResolver(new FakeResolver())
                    .withMaxConnections(1)));
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<HttpOutcome> holder =
          callers.submit(
              () -> delivery.send(Calls.post(server.url("/hold"), Duration.ofSeconds(30))));
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();

      timesOut(delivery, Calls.post(server.url("/waits"), DEADLINE));

      assertThat(server.connections()).isEqualTo(1);
      holder.cancel(true);
    }
  }

  @Test
  void times_out_when_the_tls_handshake_never_completes() throws Exception {
    // Accepts connections and never reads or writes a byte.
    ServerSocket silent = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!silent.isClosed()) {
                try {
                  closeLater(silent.accept());
                } catch (IOException closed) {
                  return;
                }
              }
            });
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    timesOut(
        delivery,
        Calls.post(URI.create("https://127.0.0.1:" + silent.getLocalPort() + "/hook"), DEADLINE));
  }

  @Test
  void times_out_when_the_connect_itself_never_completes() throws Exception {
    // A listening socket whose accept queue is full: the kernel drops further SYNs, so a connect
    // hangs as it would towards a black-holed address.
    ServerSocket full = closeLater(new ServerSocket());
    full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    List<Socket> fillers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Socket s = new Socket();
      try {
        s.connect(full.getLocalSocketAddress(), 200);
        fillers.add(closeLater(s));
      } catch (IOException queueIsFull) {
        s.close();
        break;
      }
    }
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    timesOut(
        delivery,
        Calls.post(URI.create("http://127.0.0.1:" + full.getLocalPort() + "/hook"), DEADLINE));
  }

  @Test
  void a_slow_answer_within_the_deadline_is_a_response() throws Exception {
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  Thread.sleep(300); // a deliberately slow server
                  return RawServer.ok(request, out);
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    HttpOutcome outcome = delivery.send(Calls.post(server.url("/hook"), DEADLINE));

    assertThat(outcome).isInstanceOf(Responded.class);
  }

  @Test
  void a_timed_out_connection_is_not_reused() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    RawServer server =
        closeLater(
            RawServer.start(
                (request, out) -> {
                  if (request.target().equals("/stuck")) {
                    stuck.await();
                    return false;
                  }
                  return RawServer.ok(request, out);
                }));
    HttpDelivery delivery = closeLater(Calls.loopbackDelivery());

    timesOut(delivery, Calls.post(server.url("/stuck"), DEADLINE));
    HttpOutcome next = delivery.send(Calls.post(server.url("/fine"), DEADLINE));
    stuck.countDown();

    assertThat(next).isInstanceOf(Responded.class);
    assertThat(server.connections()).isEqualTo(2);
  }
}
