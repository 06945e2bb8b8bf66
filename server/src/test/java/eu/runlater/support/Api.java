package eu.runlater.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for the server under test. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  public Api(int port) {
    this.base = "http://localhost:" + port;
  }

  public String base() {
    return base;
  }

  public Response get(String path, String key) {
    return send("GET", path, key, null, null);
  }

  public Response delete(String path, String key) {
    return send("DELETE", path, key, null, null);
  }

  public Response post(String path, String key, String json) {
    return send("POST", path, key, "application/json", json);
  }

  public Response put(String path, String key, String json) {
    return send("PUT", path, key, "application/json", json);
  }

  public Response patch(String path, String key, String json) {
    return send("PATCH", path, key, "application/json", json);
  }

  public Response send(String method, String path, String key, String contentType, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  /** A response, with its body parsed on demand. */
  public record Response(int status, HttpHeaders headers, String body) {
    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
