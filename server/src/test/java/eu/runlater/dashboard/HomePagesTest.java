package eu.runlater.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.executions.LiveFeed;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HomePagesTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String createJob(String key, String name, String path, String schedule) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "%s", "url": "%s", "method": "POST", "retries": 0, "schedule": %s}
            """
                .formatted(name, sink.url(path), schedule));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  @Test
  void a_new_organization_sees_an_empty_state_that_points_to_a_first_job() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    var page = browser.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("Schedule your first job")
        .contains("No executions yet")
        .contains("All clear");
  }

  @Test
  void home_counts_runs_lists_recent_executions_and_flags_failing_jobs() {
    var tenant = fixtures.tenant();
    sink.respond(
        r -> r.path().startsWith("/broken") ? Sink.Reply.status(500) : Sink.Reply.status(200));
    String ok =
        createJob(tenant.key(), "healthy-one", "/ok", "{\"type\": \"once\", \"delay\": \"0s\"}");
    String bad =
        createJob(tenant.key(), "broken-one", "/broken", "{\"type\": \"once\", \"delay\": \"0s\"}");
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Sink.await(
        WAIT,
        "both executions on the home page",
        () -> {
          String recent = browser.htmx("/home/recent").body();
          return recent.contains("healthy-one") && recent.contains("broken-one");
        });
    var page = browser.get("/");
    assertThat(page.body())
        .contains("/executions/")
        .contains("/jobs/" + bad)
        .contains("Last run failed");
    String cards = browser.htmx("/home/cards").body();
    assertThat(cards).contains("Failures, 24 h").contains("50.0%");
    assertThat(page.body()).doesNotContain("Schedule your first job");
    assertThat(ok).isNotBlank();

    // Another organization sees none of it.
    Browser stranger = signIn(fixtures.user(fixtures.tenant().id(), Role.OWNER));
    assertThat(stranger.get("/").body()).doesNotContain("broken-one").doesNotContain("healthy-one");
  }

  @Test
  void a_job_whose_runs_are_blocked_counts_as_failing_in_the_cards_and_needs_attention() {
    var tenant = fixtures.tenant();
    String id =
        createJob(
            tenant.key(),
            "walled-off",
            "/walled",
            "{\"type\": \"cron\", \"expression\": \"0 0 1 1 *\", \"timezone\": \"UTC\"}");
    // Its host has since moved to a private address: every run is refused before it is sent.
    jdbc()
        .sql("UPDATE jobs SET url = 'http://10.0.0.1/walled' WHERE id = :id::uuid")
        .param("id", id)
        .update();
    var triggered = api.post("/api/v1/jobs/" + id + "/trigger", tenant.key(), "{}");
    assertThat(triggered.status()).as(triggered.body()).isEqualTo(202);
    Sink.await(
        WAIT,
        "the blocked run of walled-off",
        () ->
            jdbc()
                    .sql(
                        "SELECT count(*) FROM executions WHERE source_id = :id::uuid"
                            + " AND status = 'blocked' AND final")
                    .param("id", id)
                    .query(Long.class)
                    .single()
                == 1);
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    assertThat(browser.htmx("/home/attention").body())
        .contains("walled-off")
        .contains("Last run blocked")
        .doesNotContain("All clear");
    assertThat(browser.htmx("/home/cards").body()).contains("value bad\">1<").contains("0.0%");
    assertThat(sink.count()).isZero();
  }

  @Test
  void a_cron_job_with_no_success_for_two_intervals_needs_attention() {
    var tenant = fixtures.tenant();
    String id =
        createJob(
            tenant.key(),
            "quiet-one",
            "/quiet",
            "{\"type\": \"cron\", \"expression\": \"0 0 1 1 *\", \"timezone\": \"UTC\"}");
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    assertThat(browser.htmx("/home/attention").body()).doesNotContain("quiet-one");
    // Created three years ago: two yearly runs have passed without a success.
    jdbc()
        .sql("UPDATE jobs SET created_at = now() - interval '3 years' WHERE id = :id::uuid")
        .param("id", id)
        .update();
    assertThat(browser.htmx("/home/attention").body())
        .contains("quiet-one")
        .contains("No successful run yet");
  }

  @Test
  void a_cron_job_with_no_success_in_its_last_100_runs_is_overdue_from_the_oldest_of_them() {
    var tenant = fixtures.tenant();
    // Every minute of one hour, two hours ago: due often in the past, not again during the test.
    Instant hour = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS);
    int h = hour.atZone(ZoneOffset.UTC).getHour();
    String id =
        createJob(
            tenant.key(),
            "missing-one",
            "/missing",
            "{\"type\": \"cron\", \"expression\": \"* %d * * *\", \"timezone\": \"UTC\"}"
                .formatted(h));
    UUID job = UUID.fromString(id);
    jdbc()
        .sql("UPDATE jobs SET created_at = now() - interval '3 days' WHERE id = :id")
        .param("id", job)
        .update();
    // A success, then 100 occurrences that all went missed.
    Rows.execution(jdbc(), tenant.id(), job, hour.minus(Duration.ofMinutes(5)), 1, "success");
    for (int i = 0; i < Home.SUCCESS_SCAN; i++) {
      Rows.execution(jdbc(), tenant.id(), job, hour.plusSeconds(i), 0, "missed");
    }
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    String attention = browser.htmx("/home/attention").body();
    assertThat(attention)
        .contains("missing-one")
        .contains("No success in its last 100 runs")
        .doesNotContain("No success for two intervals");
  }

  @Test
  void a_cron_job_re_enabled_just_now_is_not_overdue_for_the_time_it_was_off() {
    var tenant = fixtures.tenant();
    String id =
        createJob(
            tenant.key(),
            "resting-one",
            "/resting",
            "{\"type\": \"cron\", \"expression\": \"0 0 1 1 *\", \"timezone\": \"UTC\"}");
    jdbc()
        .sql("UPDATE jobs SET created_at = now() - interval '3 years' WHERE id = :id::uuid")
        .param("id", id)
        .update();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    assertThat(browser.htmx("/home/attention").body()).contains("resting-one");

    assertThat(api.post("/api/v1/jobs/" + id + "/pause", tenant.key(), "{}").status())
        .isEqualTo(200);
    assertThat(api.post("/api/v1/jobs/" + id + "/resume", tenant.key(), "{}").status())
        .isEqualTo(200);
    assertThat(browser.htmx("/home/attention").body()).doesNotContain("resting-one");
  }

  @Test
  void the_live_stream_announces_a_new_execution_to_an_open_page() throws Exception {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    HttpClient client = HttpClient.newBuilder().cookieHandler(browser.cookies()).build();
    HttpResponse<java.io.InputStream> stream =
        client.send(
            HttpRequest.newBuilder(URI.create(api.base() + "/live"))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    CompletableFuture<String> event = nextEvent(reader);
    // The first event is the connection's own; the next one is the execution's.
    assertThat(event.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("event:executions");
    assertThat(live().watching(tenant.id())).isTrue();
    event = nextEvent(reader);
    createJob(tenant.key(), "live-one", "/live", "{\"type\": \"once\", \"delay\": \"0s\"}");
    assertThat(event.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("event:executions");
    stream.body().close();
  }

  /** The next {@code executions} event line read from the stream, in the background. */
  private static CompletableFuture<String> nextEvent(BufferedReader reader) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            for (String line; (line = reader.readLine()) != null; ) {
              if (line.equals("event:executions")) {
                return line;
              }
            }
            return null;
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private LiveFeed live() {
    return context.getBean(LiveFeed.class);
  }

  private org.springframework.jdbc.core.simple.JdbcClient jdbc() {
    return context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
  }

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.context.ApplicationContext context;
}
