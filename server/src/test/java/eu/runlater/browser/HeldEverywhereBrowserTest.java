package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import eu.runlater.organizations.Role;
import eu.runlater.support.Chromium;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One held host, seen from every page that shows what it holds (issue 14, item 1): a target
 * answering 503 until its circuit opens, then a job run and a queue message to it. The jobs list,
 * the job's page and timeline, the message, its queue and Home all say the circuit holds them and
 * link to the host; after "Probe now" on the host's page releases it, the late run's row in the
 * runs log says what held it. At desktop and phone sizes.
 */
class HeldEverywhereBrowserTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Autowired JdbcClient jdbc;
  final Sink sink = Sink.start();
  final AtomicBoolean healthy = new AtomicBoolean(false);
  BrowserContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
    sink.close();
  }

  @Test
  void every_page_says_the_circuit_holds_the_run_and_probe_now_releases_it() {
    sink.respond(r -> Reply.status(healthy.get() ? 200 : 503));
    var tenant = fixtures.tenant();
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    String host = "127.0.0.1:" + sink.port();
    String hostPage = "/hosts/http/" + host;

    // Ten failures in a row (the engine's default threshold) open the target's circuit.
    api.put(
        "/api/v1/queues/partner",
        tenant.key(),
        "{\"parallelism\": 10, \"retries\": 0, \"timeout_ms\": 5000}");
    for (int i = 0; i < 10; i++) {
      api.post(
          "/api/v1/queues/partner/messages",
          tenant.key(),
          "{\"url\": \"%s\"}".formatted(sink.url("/orders/" + i)));
    }
    sink.awaitCount(10, WAIT);
    Sink.await(
        WAIT,
        "the circuit open",
        () -> !api.get("/api/v1/hosts", tenant.key()).json().get("data").isEmpty());

    // Planned while the circuit is open: a message, then a job run, both held. The message first,
    // in the engine before the job exists: the circuit's probe is its earliest held task, and a
    // probe waits ready for the period's end (not held), so it must be the message. (The job
    // first, a leader's pass between its insert and the message's release named the job.)
    String message =
        api.post(
                "/api/v1/queues/partner/messages",
                tenant.key(),
                "{\"url\": \"%s\"}".formatted(sink.url("/orders/held")))
            .json()
            .get("message_id")
            .asString();
    Sink.await(
        WAIT,
        "the message's task in the engine",
        () ->
            jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id::uuid")
                    .param("id", message)
                    .query(Long.class)
                    .single()
                > 0);
    var created =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "partner-sync", "url": "%s", "method": "POST", "retries": 5,
             "schedule": {"type": "once", "delay": "1s"}}
            """
                .formatted(sink.url("/sync")));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String job = created.json().get("id").asString();

    for (boolean phone : List.of(false, true)) {
      context = phone ? Chromium.phone() : Chromium.context();
      Page page = Chromium.page(context);
      Chromium.signIn(context, api.base(), member.email());

      // The job is held once its time has come: the list, its page and its timeline say why.
      page.navigate(api.base() + "/jobs");
      var row = page.locator("tr[data-job-id='" + job + "']");
      assertThat(row.locator("[data-hold=host_circuit]"))
          .containsText(
              "circuit to " + host,
              new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                  .setTimeout(WAIT.toMillis()));
      assertThat(row.locator("[data-hold=host_circuit] a")).hasAttribute("href", hostPage);

      page.navigate(api.base() + "/jobs/" + job);
      assertThat(page.locator("#job-head .badge").first()).hasText("held");
      assertThat(page.locator("#job-head [data-hold=host_circuit]")).containsText(host);
      var entry = page.locator(".timeline button.tl.held").first();
      entry.click();
      assertThat(page.locator("#tl-panel [data-hold=host_circuit]")).containsText(host);

      // The message waits for the same circuit; its queue's list of messages says so too.
      page.navigate(api.base() + "/messages/" + message);
      assertThat(page.locator("#message-hold [data-hold=host_circuit]")).containsText(host);
      page.navigate(api.base() + "/queues/partner");
      assertThat(page.locator("[data-hold=host_circuit]").first()).containsText(host);

      // Home: the held host needs attention, with a link to its page.
      page.navigate(api.base() + "/");
      assertThat(page.locator("#attention")).containsText(host);
      assertThat(page.locator("#attention a[href='" + hostPage + "']").first()).isVisible();
      context.close();
      context = null;
    }

    // The target is back: "Probe now" on the host's page sends the probe at once and the circuit
    // closes; everything it held goes.
    healthy.set(true);
    context = Chromium.context();
    Page page = Chromium.page(context);
    Chromium.signIn(page.context(), api.base(), member.email());
    page.navigate(api.base() + hostPage);
    page.getByText("Probe now").click();
    Sink.await(
        WAIT,
        "the held job run and message delivered",
        () ->
            sink.received().stream().anyMatch(r -> r.path().equals("/sync"))
                && sink.received().stream().anyMatch(r -> r.path().equals("/orders/held")));
    Sink.await(
        WAIT,
        "the host released",
        () -> api.get("/api/v1/hosts", tenant.key()).json().get("data").isEmpty());

    // The runs log names what held the late run, linking to the host.
    page.navigate(api.base() + "/runs?job=" + job);
    var held = page.locator("[data-held=host_circuit]").first();
    assertThat(held).containsText("held by the open circuit of " + host);
    assertThat(held.locator("a")).hasAttribute("href", hostPage);
    page.navigate(api.base() + "/jobs/" + job);
    assertThat(page.locator("#job-head [data-hold]")).hasCount(0);
  }
}
