package eu.runlater.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Home's "Needs attention" in a real browser: a host whose circuit opened after real failures, and
 * a dead-letter list that grows while the page is open.
 */
class HomeAttentionBrowserTest extends ServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Autowired JdbcClient jdbc;
  final Sink down = Sink.start().respond(r -> Sink.Reply.status(503));
  final Sink broken = Sink.start().respond(r -> Sink.Reply.status(500));
  private BrowserContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
    down.close();
    broken.close();
  }

  @Test
  void held_host_and_growing_dead_letters_need_attention_on_a_desktop() {
    scenario(Chromium.context());
  }

  @Test
  void held_host_and_growing_dead_letters_need_attention_on_a_phone() {
    scenario(Chromium.phone());
  }

  private void push(Fixtures.Tenant t, String queue, Sink sink, String path) {
    var r =
        api.post(
            "/api/v1/queues/" + queue + "/messages",
            t.key(),
            "{\"url\": \"%s\", \"retries\": 0, \"body\": {\"p\": \"%s\"}}"
                .formatted(sink.url(path), path));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private long deadIn(Fixtures.Tenant t, String queue) {
    return jdbc.sql(
            "SELECT count(*) FROM messages m JOIN queues q ON q.id = m.queue_id"
                + " WHERE m.organization_id = :o AND q.name = :q AND m.state = 'failed'")
        .param("o", t.id())
        .param("q", queue)
        .query(Long.class)
        .single();
  }

  private void scenario(BrowserContext ctx) {
    context = ctx;
    var t = fixtures.tenant();
    // The engine opens a target's circuit after 10 failures in a row (EngineConfig's default).
    for (int i = 0; i < 12; i++) {
      push(t, "hooks", down, "/hook-" + i);
    }
    String target = "http://127.0.0.1:" + down.port();
    Sink.await(
        WAIT,
        "the circuit to " + target + " open",
        () ->
            jdbc.sql(
                        "SELECT count(*) FROM host_states WHERE organization_id = :o AND host = :h"
                            + " AND circuit = 'open'")
                    .param("o", t.id())
                    .param("h", target)
                    .query(Long.class)
                    .single()
                == 1);
    push(t, "alerts", broken, "/a1");
    push(t, "alerts", broken, "/a2");
    Sink.await(WAIT, "two dead letters in alerts", () -> deadIn(t, "alerts") == 2);

    Page page = Chromium.page(context);
    Chromium.signIn(context, api.base(), fixtures.user(t.id(), Role.MEMBER).email());
    page.navigate(api.base() + "/");
    var attention = page.locator("#attention");
    var held = attention.locator("tr[data-state=held]").first();
    assertThat(held).containsText("circuit to 127.0.0.1:" + down.port() + " is open");
    assertThat(held.locator("a")).hasAttribute("href", "/hosts/http/127.0.0.1:" + down.port());
    var alerts =
        attention.locator(
            "tr",
            new com.microsoft.playwright.Locator.LocatorOptions()
                .setHasText("alerts dead letters"));
    assertThat(alerts).containsText("2 messages added to the dead-letter list");
    assertThat(alerts.locator("a")).hasAttribute("href", "/dead-letters?queue=alerts");
    assertThat(attention).not().containsText("All clear");
    // Recent rows name their queue; the whole log is one link away.
    assertThat(page.locator("#recent")).containsText("alerts · message");
    assertThat(
            page.locator("a[href='/runs']", new Page.LocatorOptions().setHasText("View all runs")))
        .isVisible();
    Axe.assertClean(page);
    Layout.assertFits(page);

    // The list grows while the page is open.
    page.evaluate("window.__stillHere = true");
    push(t, "alerts", broken, "/a3");
    assertThat(alerts)
        .containsText(
            "3 messages added",
            new LocatorAssertions.ContainsTextOptions().setTimeout(WAIT.toMillis()));
    assertThat(page.evaluate("window.__stillHere")).isEqualTo(true);
    Layout.assertFits(page);
  }
}
