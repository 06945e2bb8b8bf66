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
}
