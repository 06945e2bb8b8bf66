package eu.runlater.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class IdempotencyTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired eu.runlater.organizations.Organizations organizations;

  private static final String JOB =
      """
      {"name": "once", "url": "https://example.com/hook", "schedule": {"type": "once", "delay": "1h"}}
      """;

  private Api.Response post(String key, String idempotencyKey, String body) {
    return api.send(
        api.request("/api/v1/jobs")
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  private long jobs(java.util.UUID org) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE organization_id = :o")
        .param("o", org)
        .query(Long.class)
        .single();
  }

  @Test
  void the_same_key_and_body_replays_the_first_response_without_a_duplicate() {
    var tenant = fixtures.tenant();
    var first = post(tenant.key(), "create-1", JOB);
    var second = post(tenant.key(), "create-1", JOB);
    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(201);
    assertThat(second.json().get("id")).isEqualTo(first.json().get("id"));
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(jobs(tenant.id())).isEqualTo(1);
  }

  @Test
  void the_same_key_with_another_body_is_422() {
    var tenant = fixtures.tenant();
    assertThat(post(tenant.key(), "create-2", JOB).status()).isEqualTo(201);
    var reused = post(tenant.key(), "create-2", JOB.replace("once", "other"));
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.json().get("type").asString()).endsWith("idempotency-key-reused");
    assertThat(jobs(tenant.id())).isEqualTo(1);
  }

  @Test
  void keys_belong_to_one_organization() {
    var a = fixtures.tenant();
    var b = fixtures.tenant();
    assertThat(post(a.key(), "shared", JOB).status()).isEqualTo(201);
    assertThat(post(b.key(), "shared", JOB).status()).isEqualTo(201);
    assertThat(jobs(b.id())).isEqualTo(1);
  }

  @Test
  void an_error_is_not_recorded_so_the_corrected_request_may_reuse_the_key() {
    var tenant = fixtures.tenant();
    var bad = post(tenant.key(), "fix-me", JOB.replace("https://example.com/hook", "nope"));
    assertThat(bad.status()).isEqualTo(422);
    var good = post(tenant.key(), "fix-me", JOB);
    assertThat(good.status()).isEqualTo(201);
    assertThat(jobs(tenant.id())).isEqualTo(1);
  }

  @Test
  void fifty_concurrent_identical_requests_create_one_job() throws Exception {
    var tenant = fixtures.tenant();
    List<Callable<Api.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(() -> post(tenant.key(), "burst", JOB));
    }
    List<String> ids = new ArrayList<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        assertThat(f.get().status()).isEqualTo(201);
        ids.add(f.get().json().get("id").asString());
      }
    }
    assertThat(ids).containsOnly(ids.getFirst());
    assertThat(jobs(tenant.id())).isEqualTo(1);
  }

  private Api.Response postWithKey(String key, String path, String idempotencyKey, String body) {
    return api.send(
        api.request(path)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Every stored answer of an organization, as text, for looking for a secret in it. */
  private String storedAnswers(java.util.UUID org) {
    return String.join(
        "\n",
        jdbc.sql(
                "SELECT coalesce(convert_from(response_body, 'UTF8'), '') FROM idempotency_keys"
                    + " WHERE organization_id = :o")
            .param("o", org)
            .query(String.class)
            .list());
  }

  @Test
  void a_rotated_signing_secret_is_not_stored_and_a_repeat_is_refused_without_rotating_again() {
    var tenant = fixtures.tenant();
    String path = "/api/v1/organization/signing-secret/rotate";
    var first = postWithKey(tenant.key(), path, "rotate-1", "");
    assertThat(first.status()).isEqualTo(200);
    String secret = first.json().get("signing_secret").asString();
    assertThat(secret).startsWith("whsec_");

    assertThat(storedAnswers(tenant.id())).doesNotContain(secret).doesNotContain("whsec_");
    assertThat(
            jdbc.sql(
                    "SELECT response_withheld AND response_body IS NULL FROM idempotency_keys"
                        + " WHERE organization_id = :o AND key = 'rotate-1'")
                .param("o", tenant.id())
                .query(Boolean.class)
                .single())
        .isTrue();

    var repeat = postWithKey(tenant.key(), path, "rotate-1", "");
    assertThat(repeat.status()).isEqualTo(409);
    assertThat(repeat.contentType()).startsWith("application/problem+json");
    assertThat(repeat.json().get("type").asString()).endsWith("idempotency-answer-withheld");
    assertThat(repeat.body()).doesNotContain("whsec_");
    // Not rotated a second time: the secret from the first answer is still the current one.
    assertThat(organizations.signingSecret(tenant.id())).isEqualTo(secret);
  }

  @Test
  void a_created_api_key_is_not_stored_and_a_repeat_creates_no_second_key() {
    var tenant = fixtures.tenant();
    String body = "{\"name\": \"deploy\"}";
    var first = postWithKey(tenant.key(), "/api/v1/api-keys", "key-1", body);
    assertThat(first.status()).isEqualTo(201);
    String created = first.json().get("key").asString();
    String secretHalf = created.substring(created.indexOf(".sk_live_") + 1);

    assertThat(storedAnswers(tenant.id())).doesNotContain(secretHalf).doesNotContain("sk_live_");
    var repeat = postWithKey(tenant.key(), "/api/v1/api-keys", "key-1", body);
    assertThat(repeat.status()).isEqualTo(409);
    assertThat(repeat.json().get("type").asString()).endsWith("idempotency-answer-withheld");
    assertThat(repeat.body()).doesNotContain("sk_live_");
    assertThat(
            jdbc.sql("SELECT count(*) FROM api_keys WHERE organization_id = :o AND name = 'deploy'")
                .param("o", tenant.id())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }
}
