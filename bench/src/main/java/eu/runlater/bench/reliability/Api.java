package eu.runlater.bench.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The public API as a client sees it: one API key, requests to any node. */
final class Api {
  /** A client's patience with one request. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String key;

  Api(String key) {
    this.key = key;
  }

  /** An answer: status (-1 when none came), the body, Retry-After, how long it took. */
  record Answer(
      int status, String body, String retryAfter, String replayed, long millis, String error) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  Answer send(URI base, String method, String path, String json, String idempotencyKey) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Retry-After").orElse(null),
          r.headers().firstValue("Idempotent-Replayed").orElse(null),
          (System.nanoTime() - t0) / 1_000_000,
          null);
    } catch (IOException e) {
      return new Answer(
          -1, "", null, null, (System.nanoTime() - t0) / 1_000_000, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "", null, null, (System.nanoTime() - t0) / 1_000_000, "interrupted");
    }
  }

  /** A one-time job to {@code url}, due after {@code delay} (or at {@code at} when not null). */
  static String jobJson(
      String name, String url, String delay, String at, int timeoutMs, int retries) {
    String schedule =
        at != null
            ? "{\"type\":\"once\",\"at\":\"%s\"}".formatted(at)
            : "{\"type\":\"once\",\"delay\":\"%s\"}".formatted(delay);
    return "{\"name\":\"%s\",\"url\":\"%s\",\"method\":\"POST\",\"schedule\":%s,\"timeout_ms\":%d,\"retries\":%d}"
        .formatted(name, url, schedule, timeoutMs, retries);
  }

  /** One item of a batch push (or a single push body when {@code queue} is null). */
  static String messageJson(String queue, String url, String dedupId) {
    StringBuilder s = new StringBuilder("{");
    if (queue != null) {
      s.append("\"queue\":\"").append(queue).append("\",");
    }
    s.append("\"url\":\"").append(url).append('"');
    if (dedupId != null) {
      s.append(",\"dedup_id\":\"").append(dedupId).append('"');
    }
    return s.append('}').toString();
  }

  /** The value of a top-level string field of a JSON answer (enough for ids). */
  static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }
}
