package eu.runlater.engine.http;

import eu.runlater.engine.Header;
import eu.runlater.engine.http.HttpOutcome.Failed;
import eu.runlater.engine.http.HttpOutcome.FailureKind;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Turns what went wrong into a {@link Failed} kind and a message a user can read.
 *
 * <p>Messages are composed here from the kind, the host and a cleaned-up cause, not copied from
 * library exceptions wholesale: those can be long, name internal classes, and in principle quote
 * request data. As a last guard every request header value is cut out of the message.
 */
final class Failures {
  private static final int MAX_DETAIL = 160;

  private Failures() {}

  static Failed classify(
      Throwable error, Attempt attempt, String host, HttpCall call, long startNanos) {
    long duration = System.nanoTime() - startNanos;
    FailureKind kind = kind(error, attempt);
    String message =
        switch (kind) {
          case BLOCKED -> find(error, TargetRefusedException.class).getMessage();
          case TIMEOUT -> "no complete response from " + host + " within " + human(call.timeout());
          case DNS ->
              "could not resolve " + host + detail(find(error, UnknownHostException.class), host);
          case CONNECT -> "could not connect to " + host + detail(connectCause(error), host);
          case TLS ->
              "TLS handshake with "
                  + host
                  + " failed"
                  + detail(find(error, SSLException.class), host);
          case IO -> ioMessage(error, host);
        };
    return new Failed(kind, redact(message, call), duration);
  }

  private static FailureKind kind(Throwable error, Attempt attempt) {
    if (find(error, TargetRefusedException.class) != null) {
      return FailureKind.BLOCKED;
    }
    if (attempt.expired()
        || find(error, DeadlineExceededException.class) != null
        || find(error, ConnectionRequestTimeoutException.class) != null) {
      return FailureKind.TIMEOUT;
    }
    if (find(error, UnknownHostException.class) != null) {
      return FailureKind.DNS;
    }
    if (find(error, SSLException.class) != null) {
      return FailureKind.TLS;
    }
    if (connectCause(error) != null) {
      return FailureKind.CONNECT;
    }
    if (find(error, SocketTimeoutException.class) != null) {
      // A read timeout is set to the time left, so it only fires at the deadline.
      return FailureKind.TIMEOUT;
    }
    return FailureKind.IO;
  }

  private static Throwable connectCause(Throwable error) {
    for (Class<? extends Throwable> type :
        java.util.List.of(
            HttpHostConnectException.class,
            ConnectTimeoutException.class,
            ConnectException.class,
            NoRouteToHostException.class,
            PortUnreachableException.class)) {
      Throwable found = find(error, type);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String ioMessage(Throwable error, String host) {
    if (find(error, NoHttpResponseException.class) != null) {
      return host + " closed the connection without responding";
    }
    if (find(error, ConnectionClosedException.class) != null) {
      return host + " closed the connection before the response was complete";
    }
    if (find(error, InterruptedIOException.class) != null
        || Thread.currentThread().isInterrupted()) {
      return "interrupted while talking to " + host;
    }
    return "error talking to " + host + detail(error, host);
  }

  /** ": cause" in a few words: the deepest message that says something, without class names. */
  private static String detail(Throwable error, String host) {
    if (error == null) {
      return "";
    }
    String best = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank() && !m.equals(host)) {
        best = m;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (best == null) {
      return "";
    }
    best =
        best.lines()
            .findFirst()
            .orElse("")
            // HttpClient's "Connect to http://host:port [/ip] failed: " repeats what we already
            // say.
            .replaceFirst("^Connect to \\S+ (\\[[^]]*] )?failed: ", "")
            .replaceAll("\\b(?:[a-z0-9_]+\\.)+[A-Z]\\w*: ", "");
    if (best.startsWith(host + ": ")) {
      best = best.substring(host.length() + 2); // the system resolver's "host: reason"
    }
    if (best.length() > MAX_DETAIL) {
      best = best.substring(0, MAX_DETAIL) + "…";
    }
    return ": " + best;
  }

  static String redact(String message, HttpCall call) {
    String out = message;
    for (Header h : call.headers()) {
      String value = h.value().strip();
      if (value.length() >= 4) {
        out = out.replace(value, "[redacted]");
      }
    }
    return out;
  }

  private static String human(Duration d) {
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() + " ms";
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
