package eu.runlater.queues;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue pages in the system Chromium at a desktop and a phone size: messages in the state words
 * with what holds them, attempts numbered over redrives with the last response, dead letters
 * filtered and acted on per row and in bulk, the queue form, and the topic pages. Every page is
 * checked by axe-core and for fitting its width.
 */
class QueuePagesBrowserTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Sink sink = Sink.start();
  private final Profiles profiles = new Profiles();
  // Holds the sink's answers to a slow target until the test is done with it.
  private final CountDownLatch slow = new CountDownLatch(1);

  @AfterEach
  void close() {
    slow.countDown();
    profiles.close();
    sink.close();
  }

  /** A desktop and a phone page, each signed in as one new member of {@code tenant}. */
  private List<Page> pages(Fixtures.Tenant tenant) {
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    return List.of(
        profiles.page(Chromium::context, api.base(), user),
        profiles.page(Chromium::phone, api.base(), user));
  }

  /** Opens {@code path} at both sizes, checks it, and checks it fits and is accessible. */
  private void atBothSizes(List<Page> pages, String path, Consumer<Page> check) {
    for (Page page : pages) {
      page.navigate(api.base() + path);
      check.accept(page);
      Axe.assertClean(page);
      Layout.assertFits(page);
    }
  }

  private String push(Fixtures.Tenant tenant, String queue, String path, String extra) {
    var pushed =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            tenant.key(),
            """
            {"url": "%s", "body": {"n": 1}%s}
            """
                .formatted(sink.url(path), extra));
    assertThat(pushed.status()).as(pushed.body()).isIn(201, 202);
    return pushed.json().get("message_id").asString();
  }

  private String messageState(Fixtures.Tenant tenant, String id) {
    return api.get("/api/v1/messages/" + id, tenant.key()).json().get("state").asString();
  }

  @Test
  void a_redriven_message_numbers_its_attempts_over_both_deliveries_and_shows_the_last_response() {
    var tenant = fixtures.tenant();
    sink.respond(
        r ->
            Sink.Reply.status(500)
                .withBody("{\"error\": \"upstream down\"}".getBytes(StandardCharsets.UTF_8)));
    String id = push(tenant, "flaky", "/down", ", \"retries\": 0");
    Sink.await(WAIT, "the message to fail", () -> "failed".equals(messageState(tenant, id)));
    assertThat(api.post("/api/v1/dlq/" + id + "/redrive", tenant.key(), "").status())
        .isEqualTo(200);
    Sink.await(
        WAIT,
        "the redriven message to fail again",
        () ->
            "failed".equals(messageState(tenant, id))
                && api.get("/api/v1/messages/" + id, tenant.key()).json().get("redrives").asInt()
                    == 1);

    atBothSizes(
        pages(tenant),
        "/messages/" + id,
        page -> {
          assertThat(page.locator("h1 .badge")).hasText("failed");
          // The count matches the attempts listed: one per delivery.
          assertThat(page.locator("#attempt-count")).containsText("2");
          assertThat(page.locator("#attempt-count")).containsText("redriven 1 time");
          assertThat(page.locator(".attempts-table tbody tr")).hasCount(2);
          assertThat(page.locator(".attempts-table tbody tr").first())
              .containsText("#2 (redrive 1, attempt 1)");
          assertThat(page.locator(".attempts-table tbody tr").last()).containsText("#1");
          assertThat(page.locator("#last-response")).containsText("HTTP 500");
          assertThat(page.locator("#last-response pre")).containsText("upstream down");
          // Pushed without a delay: "not before" would only repeat the creation time.
          assertThat(page.locator("#not-before")).hasCount(0);
        });
  }

  @Test
  void a_delayed_message_shows_when_it_may_start() {
    var tenant = fixtures.tenant();
    String id = push(tenant, "later", "/later", ", \"delay\": \"150m\"");
    atBothSizes(
        pages(tenant),
        "/messages/" + id,
        page -> {
          assertThat(page.locator("h1 .badge")).hasText("scheduled");
          assertThat(page.locator("#not-before")).containsText("in 2 h");
          assertThat(page.locator("#attempt-count")).containsText("0");
        });
  }

  @Test
  void messages_held_by_a_paused_queue_or_a_full_parallelism_say_why() {
    var tenant = fixtures.tenant();
    assertThat(api.put("/api/v1/queues/stopped", tenant.key(), "{\"paused\": true}").status())
        .isIn(200, 201);
    String paused = push(tenant, "stopped", "/ok", "");
    // One at a time, and the first one takes its time: the second waits for it.
    assertThat(api.put("/api/v1/queues/single", tenant.key(), "{\"parallelism\": 1}").status())
        .isIn(200, 201);
    sink.respond(
        r -> {
          try {
            slow.await(5, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Sink.Reply.status(200);
        });
    String first = push(tenant, "single", "/slow", ", \"timeout_ms\": 300000");
    String second = push(tenant, "single", "/slow", ", \"timeout_ms\": 300000");
    sink.awaitCount(1, WAIT);
    List<Page> pages = pages(tenant);

    atBothSizes(
        pages,
        "/messages/" + paused,
        page -> {
          assertThat(page.locator("h1 .badge")).hasText("held");
          assertThat(page.locator("#message-hold")).containsText("the queue stopped is paused");
        });
    atBothSizes(
        pages,
        "/queues/stopped",
        page -> {
          assertThat(page.locator("#why-waiting")).containsText("is paused");
          assertThat(page.locator(".messages-table tbody tr")).hasCount(1);
          assertThat(page.locator(".messages-table .badge")).hasText("held");
        });
    atBothSizes(
        pages,
        "/messages/" + second,
        page -> {
          assertThat(page.locator("h1 .badge")).hasText("held");
          assertThat(page.locator("#message-hold")).containsText("1 of 1 in flight");
        });
    atBothSizes(
        pages,
        "/messages/" + first,
        page -> {
          assertThat(page.locator("h1 .badge")).hasText("running");
          assertThat(page.locator("#message-hold")).hasCount(0);
        });
    atBothSizes(
        pages,
        "/queues/single",
        page -> assertThat(page.locator("#why-waiting")).containsText("1 of 1 in flight"));
    atBothSizes(
        pages,
        "/queues",
        page -> {
          assertThat(page.locator(".queues-table")).containsText("is paused");
          assertThat(page.locator(".queues-table")).containsText("1 of 1 in flight");
        });

    // The open page follows the message without a reload: once the target answers, it succeeded.
    Page page = pages.getFirst();
    page.navigate(api.base() + "/messages/" + first);
    assertThat(page.locator("h1 .badge")).hasText("running");
    page.evaluate("window.__stillHere = true");
    slow.countDown();
    assertThat(page.locator("h1 .badge"))
        .hasText(
            "succeeded",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                .setTimeout(20_000));
    assertThat(page.locator("#attempt-count")).containsText("1");
    assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
  }

  @Test
  void dead_letters_are_filtered_by_status_and_redriven_or_deleted_per_row_and_in_bulk() {
    var tenant = fixtures.tenant();
    sink.respond(r -> Sink.Reply.status(r.path().equals("/gone") ? 404 : 500));
    for (String path : List.of("/err", "/err", "/gone", "/gone")) {
      push(tenant, "dl", path, ", \"retries\": 0");
    }
    Sink.await(
        WAIT,
        "four dead letters",
        () -> api.get("/api/v1/dlq?queue=dl", tenant.key()).json().get("data").size() == 4);
    List<Page> pages = pages(tenant);
    Page page = pages.getFirst();

    // The queue's dead-letter card opens its list.
    atBothSizes(pages, "/queues/dl", p -> assertThat(p.locator("#dead-card")).containsText("4"));
    page.navigate(api.base() + "/queues/dl");
    page.locator("#dead-card").click();
    assertThat(page).hasURL(api.base() + "/dead-letters?queue=dl");

    atBothSizes(
        pages,
        "/dead-letters?queue=dl&status=4xx",
        p -> {
          assertThat(p.locator(".messages-table tbody tr")).hasCount(2);
          assertThat(p.locator(".messages-table")).containsText("last HTTP 404");
          assertThat(p.locator(".messages-table")).not().containsText("last HTTP 500");
        });
    atBothSizes(
        pages,
        "/dead-letters?status=abc",
        p -> {
          assertThat(p.locator("#dl-status-error")).containsText("is not a status");
          assertThat(p.locator("#dl-status")).hasAttribute("aria-invalid", "true");
          assertThat(p.locator(".messages-table tbody tr")).hasCount(4);
        });

    // Per row: delete one 500 from its menu, redrive the other.
    page.navigate(api.base() + "/dead-letters?queue=dl&status=500");
    assertThat(page.locator(".messages-table tbody tr")).hasCount(2);
    page.locator(".messages-table tbody tr").first().locator("details.row-menu summary").click();
    page.locator(".messages-table tbody tr")
        .first()
        .getByRole(
            AriaRole.BUTTON,
            new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Delete"))
        .click();
    assertThat(page.locator(".flash")).containsText("Deleted the dead letter.");
    assertThat(page).hasURL(api.base() + "/dead-letters?queue=dl&status=500");
    assertThat(page.locator(".messages-table tbody tr")).hasCount(1);
    page.locator(".messages-table tbody tr").first().getByText("Redrive").click();
    assertThat(page.locator(".flash")).containsText("Sent again");
    assertThat(page).hasURL(api.base() + "/dead-letters?queue=dl&status=500");

    // In bulk: the two 404s sent again together, then, failed again, deleted together.
    sink.respond(r -> Sink.Reply.status(r.path().equals("/gone") ? 404 : 200));
    page.navigate(api.base() + "/dead-letters?queue=dl&status=4xx");
    page.locator("#dl-all").check();
    assertThat(page.locator("#dl-selected")).hasText("2 selected:");
    page.getByText("Redrive selected").click();
    assertThat(page.locator(".flash")).containsText("Sent again 2 dead letters.");
    Sink.await(
        WAIT,
        "both 404s dead again",
        () ->
            api.get("/api/v1/dlq?queue=dl&status_code=404", tenant.key()).json().get("data").size()
                == 2);
    page.navigate(api.base() + "/dead-letters?queue=dl&status=4xx");
    page.locator("input.dl-pick").nth(0).check();
    page.locator("input.dl-pick").nth(1).check();
    page.getByText("Delete selected…").click(); // the page accepts the confirmation
    assertThat(page.locator(".flash")).containsText("Deleted 2 dead letters.");
    assertThat(page.locator(".panel.empty")).containsText("No dead letters here.");
    assertThat(
            api.get("/api/v1/dlq?queue=dl&status_code=404", tenant.key()).json().get("data").size())
        .isZero();
  }

  @Test
  void the_queue_form_sets_retries_and_timeout_and_ties_a_refusal_to_its_field() {
    var tenant = fixtures.tenant();
    List<Page> pages = pages(tenant);
    Page page = pages.getFirst();
    page.navigate(api.base() + "/queues");
    page.locator("#q-name").fill("mail");
    page.locator("#q-par").fill("4");
    page.locator("#q-retries").fill("3");
    page.locator("#q-timeout").fill("45");
    page.getByText("Save queue").click();
    assertThat(page).hasURL(api.base() + "/queues/mail");
    assertThat(page.locator("#queue-limits")).containsText("Parallelism 4");
    assertThat(page.locator("#queue-limits")).containsText("3 retries · timeout 45.0 s");
    var saved = api.get("/api/v1/queues/mail", tenant.key()).json();
    assertThat(saved.get("retries").asInt()).isEqualTo(3);
    assertThat(saved.get("timeout_ms").asInt()).isEqualTo(45_000);

    // Past the browser's own checks, the server refuses as the API does, beside the field.
    for (Page p : pages) {
      p.navigate(api.base() + "/queues/mail");
      assertThat(p.locator("#q-retries")).hasValue("3");
      p.evaluate("document.getElementById('queue-form').noValidate = true");
      p.locator("#q-retries").fill("11");
      p.getByText("Save settings").click();
      assertThat(p.locator("#q-retries-error")).containsText("Retries must be 0 to 10");
      assertThat(p.locator("#q-retries")).hasAttribute("aria-invalid", "true");
      assertThat(p.locator("#q-retries")).hasValue("11");
      Axe.assertClean(p);
      Layout.assertFits(p);
    }
    assertThat(api.get("/api/v1/queues/mail", tenant.key()).json().get("retries").asInt())
        .isEqualTo(3);
  }

  @Test
  void topics_list_their_endpoints_and_a_topic_shows_its_recent_messages() {
    var tenant = fixtures.tenant();
    var put =
        api.put(
            "/api/v1/topics/orders",
            tenant.key(),
            """
            {"endpoints": [{"url": "%s", "headers": {"Authorization": "Bearer t0psecret"}},
                           {"url": "%s"}]}
            """
                .formatted(sink.url("/a"), sink.url("/b")));
    assertThat(put.status()).as(put.body()).isIn(200, 201);
    assertThat(
            api.post("/api/v1/topics/orders/messages", tenant.key(), "{\"body\": {\"n\": 1}}")
                .status())
        .isEqualTo(201);
    sink.awaitCount(2, WAIT);
    List<Page> pages = pages(tenant);

    atBothSizes(
        pages,
        "/queues",
        p ->
            assertThat(p.locator("nav.area-tabs a", new Page.LocatorOptions().setHasText("Topics")))
                .isVisible());
    atBothSizes(
        pages,
        "/topics",
        p -> {
          assertThat(p.locator(".topics-table")).containsText("orders");
          assertThat(p.locator(".topics-table")).containsText(sink.url("/b"));
        });
    atBothSizes(
        pages,
        "/topics/orders",
        p -> {
          assertThat(p.locator(".endpoints-table tbody tr")).hasCount(2);
          assertThat(p.locator(".endpoints-table")).not().containsText("t0psecret");
          assertThat(p.locator(".messages-table tbody tr")).hasCount(2);
        });
    Page page = pages.getFirst();
    page.navigate(api.base() + "/queues");
    page.locator("nav.area-tabs").getByText("Topics").click();
    assertThat(page).hasURL(api.base() + "/topics");
    page.locator(".topics-table a").first().click();
    assertThat(page).hasURL(api.base() + "/topics/orders");
  }
}
