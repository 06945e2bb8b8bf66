package eu.runlater.bench.reliability;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Misbehaving targets for R5, each on a port of its own (a host's circuit breaker counts failures
 * per host and port, so one kind of fault does not hold back another's deliveries).
 */
final class Targets implements AutoCloseable {
  /** A kind of fault, the URL that shows it, and what the README promises for it. */
  record Fault(String name, String url, boolean retried, Integer retryAfterSeconds) {}

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<java.net.ServerSocket> sockets = new ArrayList<>();
  final Map<String, Fault> faults = new LinkedHashMap<>();

  static Targets start() throws IOException {
    Targets t = new Targets();
    t.http("hang", false, null, ex -> sleepQuietly(600_000));
    t.http(
        "trickle",
        false,
        null,
        ex -> {
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          for (int i = 0; i < 600; i++) {
            out.write('x');
            out.flush();
            sleepQuietly(1_000);
          }
        });
    t.status("status-500", 500, null, true);
    t.status("status-503", 503, null, true);
    t.status("status-429-retry-after-2", 429, "2", true);
    t.status("status-410", 410, null, false);
    t.status("status-302", 302, null, false);
    // https:// to a port that answers the TLS client hello with plain HTTP and closes: the
    // handshake fails at once ("Unsupported or unrecognized SSL message").
    java.net.ServerSocket plain =
        new java.net.ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
    t.sockets.add(plain);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!plain.isClosed()) {
                try (java.net.Socket s = plain.accept()) {
                  s.getInputStream().read(new byte[512]);
                  s.getOutputStream()
                      .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
                } catch (IOException e) {
                  // the next one
                }
              }
            });
    t.faults.put(
        "tls-error",
        new Fault("tls-error", "https://127.0.0.1:" + plain.getLocalPort() + "/", true, null));
    // https:// to a plain HTTP server that reads the client hello and waits for the rest of a
    // request line: the handshake stalls until the attempt's timeout.
    HttpServer stall = t.server(ex -> ex.sendResponseHeaders(200, -1));
    t.faults.put(
        "tls-handshake-stall",
        new Fault(
            "tls-handshake-stall",
            "https://127.0.0.1:" + stall.getAddress().getPort() + "/",
            true,
            null));
    int refused = Database.freePort();
    t.faults.put(
        "connection-refused",
        new Fault("connection-refused", "http://127.0.0.1:" + refused + "/", true, null));
    t.faults.put(
        "dns-failure",
        new Fault("dns-failure", "http://no-such-host.battery.invalid/", true, null));
    return t;
  }

  private interface Handler {
    void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
  }

  private HttpServer server(Handler handler) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
    s.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            handler.handle(ex);
          } catch (IOException e) {
            // the client gave up
          }
        });
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.start();
    servers.add(s);
    return s;
  }

  private void http(String name, boolean retried, Integer retryAfter, Handler handler)
      throws IOException {
    HttpServer s = server(handler);
    // A hang or a trickle ends in the job's timeout: retried, as every timeout is.
    faults.put(
        name,
        new Fault(name, "http://127.0.0.1:" + s.getAddress().getPort() + "/", true, retryAfter));
  }

  private void status(String name, int code, String retryAfter, boolean retried)
      throws IOException {
    HttpServer s =
        server(
            ex -> {
              if (retryAfter != null) {
                ex.getResponseHeaders().set("Retry-After", retryAfter);
              }
              if (code == 302) {
                ex.getResponseHeaders().set("Location", "http://127.0.0.1:1/elsewhere");
              }
              ex.sendResponseHeaders(code, -1);
            });
    faults.put(
        name,
        new Fault(
            name,
            "http://127.0.0.1:" + s.getAddress().getPort() + "/",
            retried,
            retryAfter == null ? null : Integer.parseInt(retryAfter)));
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (HttpServer s : servers) {
      s.stop(0);
    }
    for (java.net.ServerSocket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closed
      }
    }
  }
}
