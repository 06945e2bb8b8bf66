package eu.runlater.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.ratelimit.RateLimitProperties.Policy;
import eu.runlater.support.Api;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The limiter is off for the other server tests (ServerTest); here it is on, with 5 units per
 * minute for both tiers, so that nothing refills while a test runs.
 */
class RateLimitTest extends ServerTest {
  static final int QUOTA = 5;

  @Autowired RateLimiter limiter;
  @Autowired JdbcClient jdbc;

  @BeforeEach
  void limit() {
    limiter.configure(
        true,
        Map.of(
            "free", new Policy("free", QUOTA, Duration.ofMinutes(1)),
            "pro", new Policy("pro", QUOTA, Duration.ofMinutes(1))));
  }

  @AfterEach
  void restore() {
    limiter.reset();
  }

  @Test
  void every_answer_carries_the_policy_and_what_is_left() {
    var tenant = fixtures.tenant(Tier.FREE);
    Api.Response first = api.get("/api/v1/queues", tenant.key());
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"free\";q=5;w=60");
    assertThat(first.headers().firstValue("RateLimit")).hasValue("\"free\";r=4;t=60");
    Api.Response second = api.get("/api/v1/queues", tenant.key());
    assertThat(second.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"free\";r=3;t=");
    // A refusal of another kind (404) still counts and still says so.
    Api.Response missing = api.get("/api/v1/messages/" + UUID.randomUUID(), tenant.key());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"free\";r=2;");
  }

  @Test
  void the_request_after_the_quota_is_refused_with_retry_after() {
    var tenant = fixtures.tenant();
    for (int i = 0; i < QUOTA; i++) {
      assertThat(api.get("/api/v1/queues", tenant.key()).status()).isEqualTo(200);
    }
    Api.Response refused = api.get("/api/v1/queues", tenant.key());
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asString()).endsWith("/rate-limited");
    assertThat(refused.json().get("detail").asString()).contains("5 units per 60 s");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(refused.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"pro\";r=0;");
    assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"pro\";q=5;w=60");
  }

  @Test
  void a_batch_of_k_messages_costs_k_and_a_refused_batch_stores_nothing() {
    var tenant = fixtures.tenant();
    Api.Response three = api.post("/api/v1/messages/batch", tenant.key(), batch(3));
    assertThat(three.status()).isEqualTo(201);
    assertThat(three.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"pro\";r=2;");

    // Two units left: three more messages are refused, all of them.
    Api.Response refused = api.post("/api/v1/messages/batch", tenant.key(), batch(3));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(messages(tenant.id())).isEqualTo(3);

    // A single push still fits (the refused batch paid only for its request).
    Api.Response one =
        api.post(
            "/api/v1/queues/q/messages", tenant.key(), "{\"url\":\"https://example.com/one\"}");
    assertThat(one.status()).isEqualTo(201);
    assertThat(one.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"pro\";r=0;");
    assertThat(messages(tenant.id())).isEqualTo(4);
  }

  @Test
  void a_topic_publish_costs_one_unit_per_endpoint() {
    var tenant = fixtures.tenant();
    String endpoints =
        IntStream.range(0, 3)
            .mapToObj(i -> "{\"url\":\"https://example.com/e" + i + "\"}")
            .collect(Collectors.joining(","));
    assertThat(
            api.put("/api/v1/topics/t", tenant.key(), "{\"endpoints\":[" + endpoints + "]}")
                .status())
        .isIn(200, 201);
    Api.Response published = api.post("/api/v1/topics/t/messages", tenant.key(), "{}");
    assertThat(published.status()).isEqualTo(201);
    // 1 for the PUT, 3 for the three messages.
    assertThat(published.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"pro\";r=1;");
  }

  @Test
  void concurrent_first_requests_of_a_key_share_one_bucket() throws Exception {
    var tenant = fixtures.tenant();
    int threads = 8;
    limiter.forApiKey(UUID.randomUUID(), tenant.id()); // the tier is cached: only the bucket races
    try (var pool = Executors.newFixedThreadPool(threads)) {
      // Many rounds, each on a fresh key, with the threads spinning at the start line so that
      // they reach the limiter together (the window is the few microseconds a bucket takes).
      for (int round = 0; round < 100; round++) {
        UUID fresh = UUID.randomUUID();
        CountDownLatch ready = new CountDownLatch(threads);
        AtomicBoolean go = new AtomicBoolean();
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          answers.add(
              pool.submit(
                  () -> {
                    ready.countDown();
                    while (!go.get()) {
                      Thread.onSpinWait();
                    }
                    return limiter.forApiKey(fresh, tenant.id()).bucket().tryConsume(1);
                  }));
        }
        ready.await();
        go.set(true);
        int passed = 0;
        for (Future<Boolean> answer : answers) {
          passed += answer.get() ? 1 : 0;
        }
        assertThat(passed).as("round %d", round).isEqualTo(QUOTA);
      }
    }
  }

  @Test
  void two_keys_have_their_own_buckets() {
    var a = fixtures.tenant();
    var b = fixtures.tenant();
    for (int i = 0; i < QUOTA; i++) {
      api.get("/api/v1/queues", a.key());
    }
    assertThat(api.get("/api/v1/queues", a.key()).status()).isEqualTo(429);
    Api.Response other = api.get("/api/v1/queues", b.key());
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"pro\";r=4;");
  }

  @Test
  void a_signed_in_user_is_limited_too() {
    var tenant = fixtures.tenant(Tier.FREE);
    Fixtures.TestUser user = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(user);
    for (int i = 0; i < QUOTA; i++) {
      Browser.Page page = browser.get("/settings/organization");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.headers().get("RateLimit-Policy")).containsExactly("\"free\";q=5;w=60");
    }
    Browser.Page refused = browser.get("/settings/organization");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers()).containsKey("Retry-After");
    // Static files are not counted.
    assertThat(browser.get("/css/app.css").headers()).doesNotContainKey("RateLimit");
  }

  private static String batch(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> "{\"queue\":\"q\",\"url\":\"https://example.com/" + i + "\"}")
        .collect(Collectors.joining(",", "{\"messages\":[", "]}"));
  }

  private long messages(UUID organizationId) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :org")
        .param("org", organizationId)
        .query(Long.class)
        .single();
  }
}
