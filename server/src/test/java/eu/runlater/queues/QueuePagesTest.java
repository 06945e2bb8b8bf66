package eu.runlater.queues;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueuePagesTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  final Sink sink = Sink.start();

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private String push(String key, String queue, String path, int retries) {
    var pushed =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            key,
            """
            {"url": "%s", "body": {"n": 1}, "retries": %d, "headers": {"Authorization": "Bearer s3cret"},
             "secret_headers": ["Authorization"]}
            """
                .formatted(sink.url(path), retries));
    assertThat(pushed.status()).as(pushed.body()).isIn(201, 202);
    return pushed.json().get("message_id").asString();
  }

  @Test
  void an_empty_organization_is_shown_how_to_push_a_first_message() {
    Browser browser = signIn(fixtures.user(fixtures.tenant().id(), Role.MEMBER));
    assertThat(browser.get("/queues").body()).contains("No queues yet").contains("/messages");
  }

  @Test
  void a_member_creates_pauses_and_resumes_a_queue_from_the_page() {
    var tenant = fixtures.tenant();
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    browser.get("/queues");
    var created =
        browser.post(
            "/queues",
            Map.of("name", "emails", "parallelism", "3", "rateLimit", "5", "ratePer", "second"));
    assertThat(created.redirectPath()).isEqualTo("/queues/emails");
    var page = browser.get("/queues/emails");
    assertThat(page.body()).contains("Parallelism 3").contains("at most 5 per second");
    assertThat(browser.post("/queues/emails/pause", Map.of()).redirectPath())
        .isEqualTo("/queues/emails");
    assertThat(api.get("/api/v1/queues/emails", tenant.key()).json().get("paused").asBoolean())
        .isTrue();
    browser.get("/queues/emails");
    browser.post("/queues/emails/resume", Map.of());
    assertThat(api.get("/api/v1/queues/emails", tenant.key()).json().get("paused").asBoolean())
        .isFalse();

    browser.get("/queues");
    var invalid = browser.post("/queues", Map.of("name", "bad name!", "parallelism", "0"));
    assertThat(invalid.redirectPath()).isEqualTo("/queues");
    assertThat(browser.get("/queues").body()).contains("flash error");
    assertThat(api.get("/api/v1/queues", tenant.key()).json().size()).isEqualTo(1);
  }

  @Test
  void delivered_messages_show_their_attempts_with_secrets_masked() {
    var tenant = fixtures.tenant();
    String id = push(tenant.key(), "orders", "/ok", 0);
    sink.awaitCount(1, WAIT);
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Sink.await(
        WAIT,
        "the message to be delivered",
        () -> browser.get("/queues/orders?state=delivered").body().contains(id.substring(24)));
    var message = browser.get("/messages/" + id);
    assertThat(message.status()).isEqualTo(200);
    // The page speaks the run words (docs/states.md): a delivered message has succeeded.
    assertThat(message.body()).contains("succeeded").contains("#1").doesNotContain("s3cret");
  }

  @Test
  void dead_letters_are_listed_and_redriven_after_a_dry_run() {
    var tenant = fixtures.tenant();
    sink.respond(r -> Sink.Reply.status(500));
    String first = push(tenant.key(), "flaky", "/down", 0);
    String second = push(tenant.key(), "flaky", "/down", 0);
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Sink.await(
        WAIT,
        "both messages in the dead-letter list",
        () -> {
          String body = browser.get("/dead-letters?queue=flaky").body();
          return body.contains(first.substring(24)) && body.contains(second.substring(24));
        });
    assertThat(browser.get("/queues").body()).contains("Dead letters (2)");

    sink.respond(r -> Sink.Reply.status(200));
    var dryRun = browser.post("/dead-letters/redrive", Map.of("queue", "flaky"));
    assertThat(dryRun.status()).isEqualTo(200);
    assertThat(dryRun.body()).contains("<strong>2</strong> dead letters");
    // The dry run changed nothing.
    assertThat(browser.get("/dead-letters?queue=flaky").body()).contains(first.substring(24));

    browser.get("/dead-letters?queue=flaky");
    var done =
        browser.post(
            "/dead-letters/redrive",
            Map.of("queue", "flaky", "confirm", "true", "ratePerSecond", "50"));
    assertThat(done.redirectPath()).isEqualTo("/dead-letters?queue=flaky");
    Sink.await(
        WAIT,
        "both redriven messages delivered",
        () ->
            api.get("/api/v1/messages?queue=flaky&state=delivered", tenant.key())
                    .json()
                    .get("data")
                    .size()
                == 2);
  }

  @Test
  void a_second_redrive_or_delete_of_a_dead_letter_says_what_happened_instead_of_not_found() {
    var tenant = fixtures.tenant();
    sink.respond(r -> Sink.Reply.status(500));
    String redriven = push(tenant.key(), "twice", "/down", 0);
    String deleted = push(tenant.key(), "twice", "/down", 0);
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Sink.await(
        WAIT,
        "both messages in the dead-letter list",
        () -> {
          String body = browser.get("/dead-letters?queue=twice").body();
          return body.contains(redriven.substring(24)) && body.contains(deleted.substring(24));
        });
    sink.respond(r -> Sink.Reply.status(200));

    // Two clicks on Redrive: the first sends it again, the second finds it no longer dead.
    var first = browser.post("/dead-letters/" + redriven + "/redrive", Map.of());
    assertThat(first.redirectPath()).isEqualTo("/messages/" + redriven);
    assertThat(browser.get(first.redirectPath()).body()).contains("Sent again");
    var again = browser.post("/dead-letters/" + redriven + "/redrive", Map.of());
    assertThat(again.redirectPath()).isEqualTo("/messages/" + redriven);
    assertThat(browser.get("/messages/" + redriven).body())
        .contains("This message is no longer a dead letter")
        .contains("it was redriven already");

    // Two clicks on Delete: the second finds it gone.
    var delete = browser.post("/dead-letters/" + deleted + "/delete", Map.of());
    assertThat(delete.redirectPath()).isEqualTo("/dead-letters");
    assertThat(browser.get(delete.redirectPath()).body()).contains("Deleted the dead letter.");
    var gone = browser.post("/dead-letters/" + deleted + "/delete", Map.of());
    assertThat(gone.redirectPath()).isEqualTo("/dead-letters");
    assertThat(browser.get("/dead-letters").body())
        .contains("This dead letter is gone: it was deleted already.");
    // And Redrive after Delete, from a page opened before it.
    var late = browser.post("/dead-letters/" + deleted + "/redrive", Map.of());
    assertThat(late.redirectPath()).isEqualTo("/dead-letters");
  }

  @Test
  void a_bulk_delete_without_script_asks_first_on_a_page_of_its_own() {
    var tenant = fixtures.tenant();
    sink.respond(r -> Sink.Reply.status(500));
    String id = push(tenant.key(), "nojs", "/down", 0);
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    Sink.await(
        WAIT,
        "the message in the dead-letter list",
        () -> browser.get("/dead-letters?queue=nojs").body().contains(id.substring(24)));
    var ask =
        browser.post("/dead-letters/bulk", Map.of("ids", id, "action", "delete", "queue", "nojs"));
    assertThat(ask.status()).isEqualTo(200);
    assertThat(ask.body()).contains("selected dead letters will be deleted");
    assertThat(browser.get("/dead-letters?queue=nojs").body()).contains(id.substring(24));
    var done =
        browser.post(
            "/dead-letters/bulk",
            Map.of("ids", id, "action", "delete", "queue", "nojs", "confirm", "true"));
    assertThat(done.redirectPath()).isEqualTo("/dead-letters?queue=nojs");
    assertThat(browser.get(done.redirectPath()).body())
        .contains("Deleted 1 dead letter.")
        .doesNotContain(id.substring(24));
    // A status filter that reads as nothing is said so, not a server error.
    var bad = browser.get("/dead-letters?status=5xxx");
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.body()).contains("is not a status");
  }

  @Test
  void another_organizations_queue_and_message_are_not_found_and_forms_need_csrf() {
    var mine = fixtures.tenant();
    var theirs = fixtures.tenant();
    String theirMessage = push(theirs.key(), "private", "/ok", 0);
    Browser browser = signIn(fixtures.user(mine.id(), Role.OWNER));
    assertThat(browser.get("/queues/private").status()).isEqualTo(404);
    assertThat(browser.get("/messages/" + theirMessage).status()).isEqualTo(404);
    browser.get("/queues");
    assertThat(browser.post("/queues/private/pause", Map.of()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/queues/private", theirs.key()).json().get("paused").asBoolean())
        .isFalse();
    assertThat(browser.postRaw("/queues", Map.of("name", "sneaky")).status()).isEqualTo(403);
    assertThat(api.get("/api/v1/queues", mine.key()).json().size()).isZero();
  }
}
