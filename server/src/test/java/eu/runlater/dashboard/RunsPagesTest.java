package eu.runlater.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The runs log over HTTP: pages, filters and what it says about input it cannot use. */
class RunsPagesTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern ROW = Pattern.compile("id=\"run-([0-9a-f-]{36})\"");
  private static final Pattern OLDER = Pattern.compile("href=\"(/runs\\?[^\"]*cursor=[^\"]+)\"");

  @Autowired JdbcClient jdbc;
  final Sink sink = Sink.start();
  final Sink other = Sink.start();

  @AfterEach
  void stopSinks() {
    sink.close();
    other.close();
  }

  static List<String> rows(String body) {
    List<String> ids = new ArrayList<>();
    Matcher m = ROW.matcher(body);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private String job(Fixtures.Tenant t, String name, String url, String delay) {
    var created =
        api.post(
            "/api/v1/jobs",
            t.key(),
            """
            {"name": "%s", "url": "%s", "retries": 0, "schedule": {"type": "once", "delay": "%s"}}
            """
                .formatted(name, url, delay));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private long executions(UUID org) {
    return jdbc.sql("SELECT count(*) FROM executions WHERE organization_id = :o")
        .param("o", org)
        .query(Long.class)
        .single();
  }

  @Test
  void pages_follow_one_another_without_skipping_or_repeating_a_run() {
    var t = fixtures.tenant();
    UUID job = UUID.fromString(job(t, "paged", sink.url("/paged"), "1h"));
    // 2 pages and a bit; 30 runs share one millisecond across the first page's end, so the
    // cursor must break ties by id.
    Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    int total = 2 * Runs.PAGE + 17;
    for (int i = 0; i < total; i++) {
      Instant at = i >= 35 && i < 65 ? base.minusSeconds(35) : base.minusSeconds(i);
      Rows.execution(jdbc, t.id(), job, at, 1, i % 3 == 0 ? "failed" : "success");
    }
    List<String> expected =
        jdbc.sql(
                "SELECT id::text FROM executions WHERE organization_id = :o"
                    + " ORDER BY created_at DESC, id DESC")
            .param("o", t.id())
            .query(String.class)
            .list();
    assertThat(expected).hasSize(total);

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    List<String> seen = new ArrayList<>();
    String path = "/runs";
    int pages = 0;
    while (path != null) {
      var page = browser.get(path);
      assertThat(page.status()).isEqualTo(200);
      List<String> ids = rows(page.body());
      assertThat(ids).hasSizeLessThanOrEqualTo(Runs.PAGE).isNotEmpty();
      seen.addAll(ids);
      pages++;
      if (pages > 1) {
        assertThat(page.body()).contains(">Newest<");
      }
      Matcher older = OLDER.matcher(page.body());
      path = older.find() ? older.group(1).replace("&amp;", "&") : null;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(new LinkedHashSet<>(seen)).hasSize(seen.size());
    assertThat(seen).containsExactlyElementsOf(expected);

    // Filtered pages keep the filter in their links and still neither skip nor repeat.
    List<String> failed = new ArrayList<>();
    path = "/runs?status=failed";
    while (path != null) {
      var page = browser.get(path);
      failed.addAll(rows(page.body()));
      Matcher older = OLDER.matcher(page.body());
      path = older.find() ? older.group(1).replace("&amp;", "&") : null;
      if (path != null) {
        assertThat(path).contains("status=failed");
      }
    }
    List<String> expectedFailed =
        jdbc.sql(
                "SELECT id::text FROM executions WHERE organization_id = :o AND status = 'failed'"
                    + " ORDER BY created_at DESC, id DESC")
            .param("o", t.id())
            .query(String.class)
            .list();
    assertThat(failed).containsExactlyElementsOf(expectedFailed);

    // Another organization sees none of them.
    Browser stranger = signIn(fixtures.user(fixtures.tenant().id(), Role.OWNER));
    assertThat(rows(stranger.get("/runs").body())).isEmpty();
  }

  @Test
  void filters_by_status_job_queue_topic_host_and_time_narrow_the_runs() {
    var t = fixtures.tenant();
    sink.respond(
        r -> r.path().startsWith("/bad") ? Sink.Reply.status(500) : Sink.Reply.status(200));
    String job = job(t, "nightly-report", sink.url("/report"), "0s");
    var mail =
        api.post(
            "/api/v1/queues/emails/messages",
            t.key(),
            "{\"url\": \"%s\", \"body\": {\"n\": 1}}".formatted(sink.url("/mail")));
    assertThat(mail.status()).as(mail.body()).isEqualTo(201);
    var bad =
        api.post(
            "/api/v1/queues/emails/messages",
            t.key(),
            "{\"url\": \"%s\", \"retries\": 0, \"body\": {\"n\": 2}}".formatted(sink.url("/bad")));
    assertThat(bad.status()).as(bad.body()).isEqualTo(201);
    var topic =
        api.put(
            "/api/v1/topics/orders",
            t.key(),
            "{\"endpoints\": [{\"url\": \"%s\"}]}".formatted(other.url("/order")));
    assertThat(topic.status()).as(topic.body()).isEqualTo(201);
    var published =
        api.post(
            "/api/v1/topics/orders/messages",
            t.key(),
            "{\"queue\": \"fanout\", \"body\": {\"order\": 42}}");
    assertThat(published.status()).as(published.body()).isEqualTo(201);
    Sink.await(WAIT, "four executions", () -> executions(t.id()) == 4);

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String all = browser.get("/runs").body();
    assertThat(rows(all)).hasSize(4);
    assertThat(all)
        .contains("nightly-report")
        .contains("href=\"/queues/emails\"")
        .contains("href=\"/queues/fanout\"")
        .contains("href=\"/jobs/" + job + "\"")
        .contains("href=\"/messages/" + bad.json().get("message_id").asString() + "\"")
        .contains("/executions/");

    String failed = browser.get("/runs?status=failed").body();
    assertThat(rows(failed)).hasSize(1);
    assertThat(failed)
        .contains("/bad")
        .contains("href=\"/queues/emails\"")
        .doesNotContain("href=\"/jobs/" + job + "\"");
    assertThat(failed).contains("<option value=\"failed\" selected=\"selected\">");

    assertThat(rows(browser.get("/runs?job=" + job).body())).hasSize(1);
    assertThat(rows(browser.get("/runs?queue=emails").body())).hasSize(2);
    String orders = browser.get("/runs?topic=orders").body();
    assertThat(rows(orders)).hasSize(1);
    assertThat(orders).contains("/order").contains("fanout");
    String target = "http://127.0.0.1:" + other.port();
    String byHost = browser.get("/runs?host=" + target).body();
    assertThat(rows(byHost)).hasSize(1);
    assertThat(byHost).contains("/order");
    assertThat(rows(browser.get("/runs?host=127.0.0.1:" + sink.port()).body()))
        .as("a bare host means https")
        .isEmpty();
    assertThat(rows(browser.get("/runs?host=http://127.0.0.1:" + sink.port() + "/x").body()))
        .hasSize(3);
    assertThat(rows(browser.get("/runs?queue=emails&status=success").body())).hasSize(1);

    String future = Instant.now().plus(Duration.ofDays(1)).toString().substring(0, 16);
    String none = browser.get("/runs?from=" + future).body();
    assertThat(rows(none)).isEmpty();
    assertThat(none).contains("No runs match these filters.");
    String past = Instant.now().minus(Duration.ofDays(1)).toString().substring(0, 16);
    assertThat(rows(browser.get("/runs?from=" + past + "&to=" + future).body())).hasSize(4);
    assertThat(rows(browser.get("/runs?to=" + past).body())).isEmpty();

    // The htmx partial is the results alone; a filter from the form moves the address bar.
    var partial = browser.htmx("/runs/rows?status=failed");
    assertThat(partial.status()).isEqualTo(200);
    assertThat(partial.body()).doesNotContain("<form").contains("id=\"runs\"");
    assertThat(rows(partial.body())).hasSize(1);
  }

  @Test
  void input_it_cannot_use_is_explained_on_the_page_not_a_server_error() {
    var t = fixtures.tenant();
    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    var status = browser.get("/runs?status=exploded");
    assertThat(status.status()).isEqualTo(400);
    assertThat(status.body())
        .contains("Unknown status &quot;exploded&quot;")
        .contains("aria-invalid=\"true\"")
        .contains("id=\"runs-filter\"");
    var time = browser.get("/runs?from=yesterday&to=2026-13-45T99:00");
    assertThat(time.status()).isEqualTo(400);
    assertThat(time.body())
        .contains("&quot;yesterday&quot; is not a date and time")
        .contains("&quot;2026-13-45T99:00&quot; is not a date and time");
    var order = browser.get("/runs?from=2026-05-02T10:00&to=2026-05-01T10:00");
    assertThat(order.status()).isEqualTo(400);
    assertThat(order.body()).contains("must be later than");
    assertThat(browser.get("/runs?job=nope").body()).contains("is not a job id");
    assertThat(browser.get("/runs?job=" + UUID.randomUUID()).body()).contains("No job with id");
    assertThat(browser.get("/runs?queue=nowhere").body()).contains("No queue named");
    assertThat(browser.get("/runs?topic=nowhere").body()).contains("No topic named");
    assertThat(browser.get("/runs?host=://").body()).contains("is not a host");
    var cursor = browser.get("/runs?cursor=not-a-cursor");
    assertThat(cursor.status()).isEqualTo(400);
    assertThat(cursor.body()).contains("This page link is broken");
  }
}
