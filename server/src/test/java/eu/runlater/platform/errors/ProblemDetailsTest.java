package eu.runlater.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Every error status the API can answer, each as problem+json that says what to fix. The endpoints
 * that fail on purpose ({@code /api/v1/test-only/…}, {@code /test-only/…}) are {@link
 * eu.runlater.support.TestOnlyEndpoints}, in every server test's context so that this class shares
 * the cached one instead of starting its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProblemDetailsTest extends ServerTest {

  @Test
  void a_page_stream_that_times_out_or_fails_after_it_started_ends_with_no_error_page_in_it(
      CapturedOutput output) throws Exception {
    var browser =
        signIn(fixtures.user(fixtures.tenant().id(), eu.runlater.organizations.Role.MEMBER));
    HttpClient client = HttpClient.newBuilder().cookieHandler(browser.cookies()).build();
    for (String path : List.of("/test-only/stream-timeout", "/test-only/stream-boom")) {
      // The body is read to its end: the server has handled the stream's end by then.
      HttpResponse<String> stream =
          client.send(
              HttpRequest.newBuilder(URI.create(api.base() + path))
                  .header("Accept", "text/event-stream")
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(stream.statusCode()).as(path).isEqualTo(200);
      assertThat(stream.body())
          .as(path)
          .isEqualTo("event:hello\ndata:first\n\n")
          .doesNotContain("<html");
    }
    assertThat(output.getAll())
        .doesNotContain("Unexpected error on page")
        .doesNotContain("getOutputStream() has already been called")
        .contains("Error on page GET /test-only/stream-boom after the response started");
  }

  @Test
  void a_page_that_fails_renders_the_apps_500_page_with_a_reference_and_no_internals() {
    var browser =
        signIn(fixtures.user(fixtures.tenant().id(), eu.runlater.organizations.Role.MEMBER));
    var page = browser.get("/test-only/page-boom");
    assertThat(page.status()).isEqualTo(500);
    assertThat(page.body())
        .contains("Something went wrong")
        .contains("Reference")
        .contains("Back to the dashboard")
        .doesNotContain("hunter2")
        .doesNotContain("IllegalStateException");
  }

  private static JsonNode problem(Api.Response response, int status) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode json = response.json();
    assertThat(json.get("status").asInt()).isEqualTo(status);
    assertThat(json.get("type").asString()).startsWith("https://runlater.eu/problems/");
    assertThat(json.get("title").asString()).isNotBlank();
    assertThat(json.get("detail").asString()).isNotBlank();
    return json;
  }

  @Test
  void a_missing_key_is_401_and_says_how_to_authenticate() {
    var json = problem(api.get("/api/v1/organization", null), 401);
    assertThat(json.get("detail").asString()).contains("Authorization: Bearer");
    assertThat(api.get("/api/v1/organization", null).headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void a_malformed_key_is_401_and_shows_the_expected_shape() {
    var json = problem(api.get("/api/v1/organization", "sk_test_123"), 401);
    assertThat(json.get("detail").asString()).contains("pk_live_");
  }

  @Test
  void a_non_bearer_authorization_header_is_401() {
    var response =
        api.send(api.request("/api/v1/organization").header("Authorization", "Basic Zm9vOmJhcg=="));
    var json = problem(response, 401);
    assertThat(json.get("detail").asString()).contains("Bearer");
  }

  @Test
  void an_unknown_key_is_401() {
    var json =
        problem(
            api.get("/api/v1/organization", "pk_live_aaaaaaaaaaaaaaaa.sk_live_" + "A".repeat(43)),
            401);
    assertThat(json.get("detail").asString()).contains("not valid");
  }

  @Test
  void an_unknown_api_route_is_404_and_an_unknown_page_asks_a_stranger_to_sign_in() {
    var tenant = fixtures.tenant();
    var json = problem(api.get("/api/v1/no-such-thing", tenant.key()), 404);
    assertThat(json.get("detail").asString()).contains("/api/v1/no-such-thing");
    // Outside the API, pages need a session: a stranger is sent to sign in first (a signed-in
    // user gets the 404 page, see SignInPagesTest).
    var page = api.get("/no-such-page", null);
    assertThat(page.status()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login");
  }

  @Test
  void another_organizations_resource_is_404() {
    var mine = fixtures.tenant();
    var theirs = fixtures.tenant();
    problem(api.delete("/api/v1/api-keys/" + theirs.keyId(), mine.key()), 404);
  }

  @Test
  void a_malformed_id_in_the_path_is_404() {
    problem(api.delete("/api/v1/api-keys/not-a-uuid", fixtures.tenant().key()), 404);
  }

  @Test
  void a_wrong_method_is_405() {
    problem(api.delete("/api/v1/organization", fixtures.tenant().key()), 405);
  }

  @Test
  void a_non_json_body_is_415_and_changes_nothing() {
    var tenant = fixtures.tenant();
    problem(
        api.send("PATCH", "/api/v1/organization", tenant.key(), "text/plain", "name=Evil"), 415);
    assertThat(nameOf(tenant.key())).isEqualTo(tenant.organization().name());
  }

  @Test
  void malformed_json_is_400_with_the_position() {
    var tenant = fixtures.tenant();
    var json = problem(api.patch("/api/v1/organization", tenant.key(), "{\"name\": "), 400);
    assertThat(json.get("detail").asString()).contains("not valid JSON").contains("line 1");
  }

  @Test
  void an_unknown_field_is_422_naming_the_field() {
    var tenant = fixtures.tenant();
    var json = problem(api.patch("/api/v1/organization", tenant.key(), "{\"nmae\": \"x\"}"), 422);
    assertThat(json.get("errors").get(0).get("field").asString()).isEqualTo("nmae");
    assertThat(json.get("errors").get(0).get("message").asString()).contains("name");
  }

  @Test
  void a_wrongly_typed_field_is_422_naming_the_field_and_the_type() {
    var tenant = fixtures.tenant();
    var json = problem(api.patch("/api/v1/organization", tenant.key(), "{\"name\": [1]}"), 422);
    assertThat(json.get("errors").get(0).get("field").asString()).isEqualTo("name");
    assertThat(json.get("errors").get(0).get("message").asString()).contains("string");
  }

  @Test
  void an_invalid_value_is_422_with_per_field_errors_and_changes_nothing() {
    var tenant = fixtures.tenant();
    var json = problem(api.patch("/api/v1/organization", tenant.key(), "{\"name\": \"  \"}"), 422);
    assertThat(json.get("errors").get(0).get("field").asString()).isEqualTo("name");
    assertThat(nameOf(tenant.key())).isEqualTo(tenant.organization().name());
  }

  @Test
  void a_forbidden_change_is_403_and_changes_nothing() {
    var tenant = fixtures.tenant();
    var json =
        problem(
            api.patch(
                "/api/v1/organization", tenant.key(), "{\"name\": \"New\", \"tier\": \"pro\"}"),
            403);
    assertThat(json.get("detail").asString()).contains("tier");
    assertThat(nameOf(tenant.key())).isEqualTo(tenant.organization().name());
  }

  @Test
  void a_declared_body_over_256_kb_is_413_and_changes_nothing() {
    var tenant = fixtures.tenant();
    String body = "{\"name\": \"" + "a".repeat(300 * 1024) + "\"}";
    var json = problem(api.patch("/api/v1/organization", tenant.key(), body), 413);
    assertThat(json.get("detail").asString()).contains("256 KB");
    assertThat(nameOf(tenant.key())).isEqualTo(tenant.organization().name());
  }

  @Test
  void a_chunked_body_over_256_kb_is_413() {
    var tenant = fixtures.tenant();
    String body = "{\"name\": \"" + "a".repeat(300 * 1024) + "\"}";
    // A publisher of unknown length makes the client send Transfer-Encoding: chunked.
    HttpRequest.BodyPublisher chunked =
        new HttpRequest.BodyPublisher() {
          final HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofString(body);

          @Override
          public long contentLength() {
            return -1;
          }

          @Override
          public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
            inner.subscribe(subscriber);
          }
        };
    var response =
        api.send(
            api.request("/api/v1/organization")
                .header("Authorization", "Bearer " + tenant.key())
                .header("Content-Type", "application/json")
                .method("PATCH", chunked));
    problem(response, 413);
    assertThat(nameOf(tenant.key())).isEqualTo(tenant.organization().name());
  }

  @Test
  void an_unexpected_error_is_500_without_stack_trace_or_internals() {
    var tenant = fixtures.tenant();
    var response = api.get("/api/v1/test-only/boom", tenant.key());
    var json = problem(response, 500);
    assertThat(json.get("reference").asString()).isNotBlank();
    assertThat(response.body())
        .doesNotContain("hunter2")
        .doesNotContain("IllegalStateException")
        .doesNotContain("at eu.runlater");
  }

  private String nameOf(String key) {
    return api.get("/api/v1/organization", key).json().get("name").asString();
  }
}
