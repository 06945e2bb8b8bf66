package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server written on raw sockets, so tests see requests byte for byte (header
 * order and spelling included) and can misbehave in ways a real server would not: never answer,
 * trickle, stream forever, close early.
 */
final class RawServer implements AutoCloseable {

  /** Answers one request; returns whether to keep the connection open for another. */
  @FunctionalInterface
  interface Handler {
    boolean handle(RawRequest request, OutputStream out) throws Exception;
  }

  /** A request as it arrived. {@code connection} numbers the TCP connections from 1. */
  record RawRequest(
      int connection,
      String method,
      String target,
      List<Header> headers,
      byte[] body,
      String remoteAddress) {

    String header(String name) {
      return headers.stream()
          .filter(h -> h.name().equalsIgnoreCase(name))
          .map(Header::value)
          .findFirst()
          .orElse(null);
    }

    List<String> all(String name) {
      return headers.stream()
          .filter(h -> h.name().equalsIgnoreCase(name))
          .map(Header::value)
          .toList();
    }
  }

  private final ServerSocket server;
  private final Handler handler;
  private final List<RawRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private RawServer(ServerSocket server, Handler handler) {
    this.server = server;
    this.handler = handler;
    Thread.ofVirtual().name("raw-server-accept").start(this::acceptLoop);
  }

  static RawServer start(Handler handler) throws IOException {
    return start(InetAddress.getLoopbackAddress(), 0, handler);
  }

  static RawServer start(InetAddress bind, int port, Handler handler) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(bind, port), 200);
    return new RawServer(server, handler);
  }

  /** Replies 200 with body "ok" and keeps the connection. */
  static boolean ok(RawRequest request, OutputStream out) throws IOException {
    respond(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", "ok".getBytes());
    return true;
  }

  static void respond(OutputStream out, String head, byte[] body) throws IOException {
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  int port() {
    return server.getLocalPort();
  }

  /** A URL on this server, e.g. url("/hook") → http://127.0.0.1:port/hook. */
  URI url(String path) {
    InetAddress address = server.getInetAddress();
    String host =
        address.getAddress().length == 16
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    return URI.create("http://" + host + ":" + port() + path);
  }

  List<RawRequest> requests() {
    return List.copyOf(requests);
  }

  /** TCP connections accepted so far. */
  int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        int id = connections.incrementAndGet();
        open.add(socket);
        Thread.ofVirtual().name("raw-server-" + id).start(() -> serve(socket, id));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket, int id) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        RawRequest request = read(in, id, socket);
        if (request == null) {
          return;
        }
        requests.add(request);
        if (!handler.handle(request, out)) {
          return;
        }
      }
    } catch (Exception e) {
      // The client went away or the handler gave up: either way this connection is done.
    } finally {
      open.remove(socket);
    }
  }

  private static RawRequest read(InputStream in, int id, Socket socket) throws IOException {
    String requestLine = line(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    String[] parts = requestLine.split(" ", 3);
    List<Header> headers = new ArrayList<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
    }
    int length = 0;
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase("Content-Length")) {
        length = Integer.parseInt(h.value());
      }
    }
    byte[] body = in.readNBytes(length);
    return new RawRequest(
        id,
        parts[0],
        parts[1],
        List.copyOf(headers),
        body,
        socket.getLocalAddress().getHostAddress());
  }

  /** One CRLF-terminated line in ISO-8859-1, or null at end of stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = buffer.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      buffer.write(b);
    }
    return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
