package eu.runlater.executions;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The execution page over real HTTP: a job run against a real target, then looked at. */
class ExecutionPagesTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();
  @Autowired Executions executions;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void stopSink() {
    sink.close();
  }

  /** A yearly job with a secret header and one retry, run now from its page; both attempts. */
  private List<Execution> runJob(String key, UUID org, Browser browser) {
    AtomicInteger calls = new AtomicInteger();
    sink.respond(
        r ->
            calls.incrementAndGet() == 1
                ? Reply.status(503)
                : Reply.status(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"ok\":true,\"items\":[1,2]}".getBytes(StandardCharsets.UTF_8)));
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "Pinged", "url": "%s", "method": "POST", "body": {"hello": "world"},
             "headers": {"Authorization": "Bearer page-secret", "X-Trace": "plain"},
             "retries": 1, "schedule": {"type": "cron", "expression": "0 0 1 1 *"}}
            """
                .formatted(sink.url("/ping")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    UUID jobId = UUID.fromString(created.json().get("id").asString());
    browser.get("/jobs/" + jobId);
    assertThat(browser.post("/jobs/" + jobId + "/run", Map.of()).status()).isEqualTo(302);
    Sink.await(
        WAIT,
        "two attempts of job " + jobId,
        () -> executions.listBySource(org, jobId, null, null, 10).size() >= 2);
    return executions.listBySource(org, jobId, null, null, 10).reversed();
  }

  /**
   * Records an occurrence that sent nothing (missed, skipped), as the engine does: attempt 0, the
   * URL and method but no headers or body.
   */
  private UUID occurrence(UUID org, UUID jobId, String status, String url) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    UUID id = Ids.v7(now);
    Map<String, Object> p = new HashMap<>();
    p.put("id", id);
    p.put("now", SqlTime.ts(now));
    p.put("org", org);
    p.put("task", UUID.randomUUID());
    p.put("job", jobId);
    p.put("status", status);
    p.put("url", url);
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    finished_at, error, request_url, request_method)
            VALUES (:id, :now, :org, :task, 'job', :job, 0, :status, true, :now, :now, :now,
                    'Missed while nothing ran', :url, 'POST')
            """)
        .params(p)
        .update();
    return id;
  }

  @Test
  void an_execution_shows_its_timing_masked_request_pretty_response_and_attempt_chain() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    List<Execution> attempts = runJob(tenant.key(), tenant.id(), browser);
    Execution first = attempts.get(0);
    Execution second = attempts.get(1);
    assertThat(second.status()).isEqualTo("success");

    var page = browser.get("/executions/" + second.id());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("Scheduled for")
        .contains("Started")
        .contains("Duration")
        .contains("HTTP 200")
        .contains(sink.url("/ping"))
        .contains("plain")
        .contains("••••••")
        .doesNotContain("page-secret")
        // The JSON response, indented.
        .contains("&quot;items&quot; : [ 1, 2 ]")
        // Both attempts, linked; this one marked.
        .contains("/executions/" + first.id())
        .contains("Attempt 1: failed 503")
        .contains("Attempt 2: success 200")
        .contains("(this one)")
        .contains("Retry now")
        // Its job, named and linked (the history asks the job's ExecutionSource).
        .contains("href=\"/jobs/" + second.sourceId() + "\"")
        .contains("href=\"/jobs/" + second.sourceId() + "#history\">Job history</a>");

    var failed = browser.get("/executions/" + first.id());
    assertThat(failed.body()).contains("HTTP 503").contains("/executions/" + second.id());
  }

  @Test
  void retrying_an_execution_sends_its_request_again() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    List<Execution> attempts = runJob(tenant.key(), tenant.id(), browser);
    Execution last = attempts.getLast();
    browser.get("/executions/" + last.id());
    var retried = browser.post("/executions/" + last.id() + "/retry", Map.of());
    assertThat(retried.redirectPath()).isEqualTo("/jobs/" + last.sourceId());
    sink.awaitCount(3, WAIT);
    assertThat(sink.received().getLast().header("Authorization")).isEqualTo("Bearer page-secret");
  }

  @Test
  void another_organizations_execution_is_not_found_and_cannot_be_retried() {
    var owner = fixtures.tenant();
    Browser ownerBrowser = signIn(fixtures.user(owner.id(), Role.MEMBER));
    Execution theirs = runJob(owner.key(), owner.id(), ownerBrowser).getLast();
    int received = sink.count();

    var other = fixtures.tenant();
    Browser browser = signIn(fixtures.user(other.id(), Role.MEMBER));
    browser.get("/jobs");
    var page = browser.get("/executions/" + theirs.id());
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.body()).contains("Not found").doesNotContain("Pinged");
    browser.get("/jobs");
    assertThat(browser.post("/executions/" + theirs.id() + "/retry", Map.of()).status())
        .isEqualTo(404);
    assertThat(browser.get("/executions/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(sink.count()).isEqualTo(received);
  }

  @Test
  void a_missed_run_offers_no_retry_and_refuses_one_because_it_sent_no_request() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "Nightly", "url": "%s", "method": "POST", "body": {"hello": "world"},
             "headers": {"Authorization": "Bearer page-secret"},
             "schedule": {"type": "cron", "expression": "0 0 1 1 *"}}
            """
                .formatted(sink.url("/nightly")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    UUID jobId = UUID.fromString(created.json().get("id").asString());
    UUID missed = occurrence(tenant.id(), jobId, "missed", sink.url("/nightly"));

    var page = browser.get("/executions/" + missed);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("missed").doesNotContain("Retry now");

    var refused = browser.post("/executions/" + missed + "/retry", Map.of());
    assertThat(refused.redirectPath()).isEqualTo("/executions/" + missed);
    assertThat(browser.get("/executions/" + missed).body())
        .contains("A missed or skipped run sent no request; use Run now on the job instead.");
    var viaApi = api.post("/api/v1/executions/" + missed + "/retry", tenant.key(), "{}");
    assertThat(viaApi.status()).isEqualTo(409);
    assertThat(viaApi.json().get("detail").asString()).contains("sent no request");
    assertThat(sink.count()).isZero();
  }

  @Test
  void the_button_to_the_owner_is_named_by_the_owners_page_not_job_history() {
    var tenant = fixtures.tenant();
    var monitor =
        api.post("/api/v1/monitors", tenant.key(), "{\"name\": \"Backups\", \"period\": \"1h\"}");
    assertThat(monitor.status()).as(monitor.body()).isEqualTo(201);
    String monitorId = monitor.json().get("id").asString();
    // A check's attempt, as the monitors' uptime checks record it.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    UUID id = Ids.v7(now);
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    started_at, finished_at, status_code, request_url,
                                    request_method)
            VALUES (:id, :now, :org, :task, 'monitor', :monitor, 1, 'success', true, :now, :now,
                    :now, :now, 200, 'https://example.com/health', 'GET')
            """)
        .param("id", id)
        .param("now", SqlTime.ts(now))
        .param("org", tenant.id())
        .param("task", UUID.randomUUID())
        .param("monitor", UUID.fromString(monitorId))
        .update();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    assertThat(browser.get("/executions/" + id).body())
        .contains("Check of Backups")
        .contains("href=\"/monitors/" + monitorId + "#checks\">Check history</a>")
        .doesNotContain("Job history");
  }

  @Test
  void a_malformed_execution_id_is_the_not_found_page() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    var page = browser.get("/executions/not-a-uuid");
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.body()).contains("Not found").contains("There is nothing here");
    browser.get("/jobs");
    assertThat(browser.post("/executions/not-a-uuid/retry", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void a_retry_without_the_csrf_token_is_refused() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Execution last = runJob(tenant.key(), tenant.id(), browser).getLast();
    int received = sink.count();
    assertThat(browser.postRaw("/executions/" + last.id() + "/retry", Map.of()).status())
        .isEqualTo(403);
    assertThat(sink.count()).isEqualTo(received);
  }
}
