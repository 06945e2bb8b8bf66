package eu.runlater.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import eu.runlater.organizations.Role;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Layout;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A held host end to end, in a real browser at desktop and phone sizes: a target answering 503
 * until its circuit opens (the engine's default: ten failures in a row, open 30 s, then 60 s), the
 * hosts page listing it with why and the next probe, "Probe now" sending the probe at once after
 * the target recovered, the host released, and the late delivery's page saying the circuit held it.
 */
class HostsBrowserTest extends ServerTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  final Sink sink = Sink.start();
  final AtomicBoolean healthy = new AtomicBoolean(false);
  BrowserContext desktop;
  BrowserContext phone;

  @AfterEach
  void close() {
    if (desktop != null) {
      desktop.close();
    }
    if (phone != null) {
      phone.close();
    }
    sink.close();
  }

  private String job(String key, String name, int retries, String delay) {
    var created =
        api.post(
            "/api/v1/jobs",
            key,
            """
            {"name": "%s", "url": "%s", "method": "POST", "retries": %d,
             "schedule": {"type": "once", "delay": "%s"}}
            """
                .formatted(name, sink.url("/" + name), retries, delay));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private static LocatorAssertions.ContainsTextOptions within(Duration d) {
    return new LocatorAssertions.ContainsTextOptions().setTimeout(d.toMillis());
  }

  private void fits(Page page) {
    Axe.assertClean(page);
    Layout.assertFits(page);
  }

  @Test
  void a_host_whose_circuit_opened_is_listed_explained_probed_now_and_released() {
    sink.respond(r -> Reply.status(healthy.get() ? 200 : 503));
    var tenant = fixtures.tenant();
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    String name = "127.0.0.1:" + sink.port();
    String hostPage = "/hosts/http/" + name;

    // Ten failures in a row open the circuit; the job's last retry waits as its probe.
    job(tenant.key(), "failing", 10, "1s");
    sink.awaitCount(10, WAIT);
    Sink.await(
        WAIT,
        "the circuit open",
        () -> !api.get("/api/v1/hosts", tenant.key()).json().get("data").isEmpty());
    // A run planned while the circuit is open is held from its time on. Its retries keep it held
    // (as the next probe) should a scheduled probe fail before the test probes by hand.
    String waiting = job(tenant.key(), "waiting", 5, "1s");

    desktop = Chromium.context();
    Page page = Chromium.page(desktop);
    Chromium.signIn(page.context(), api.base(), member.email());
    page.navigate(api.base() + "/hosts");
    var row = page.locator("table.hosts tbody tr");
    assertThat(row).hasCount(1);
    assertThat(row).containsText(name);
    assertThat(row).containsText("circuit open");
    assertThat(row).containsText("Down: repeated failures");
    assertThat(row).containsText("HTTP 503");
    assertThat(row).containsText("Next probe");
    assertThat(row).containsText("in ");
    // The held run waits; so does the failing job's last retry until the first probe took it.
    assertThat(row).containsText(java.util.regex.Pattern.compile("[12] deliver"));
    fits(page);

    phone = Chromium.phone();
    Page small = Chromium.page(phone);
    Chromium.signIn(phone, api.base(), member.email());
    small.navigate(api.base() + "/hosts");
    assertThat(small.locator("table.hosts tbody tr")).containsText("circuit open");
    assertThat(small.getByText("Probe now")).isVisible();
    fits(small);
    small.navigate(api.base() + hostPage);
    assertThat(small.locator(".host-state")).containsText("circuit open");
    fits(small);

    // The host is back: probing now sends the probe at once instead of in 30 s.
    healthy.set(true);
    int before = sink.count();
    page.getByText("Probe now").click();
    assertThat(page).hasURL(api.base() + hostPage);
    assertThat(page.locator(".flash")).containsText("Probing");
    Sink.await(
        WAIT,
        "the held run delivered",
        () ->
            sink.received().stream()
                .skip(before)
                .anyMatch(r -> r.path().equals("/waiting") && r.at() != null));
    // Live: the page learns of the deliveries and shows the host released.
    assertThat(page.locator(".host-title")).containsText("not held", within(WAIT));
    assertThat(page.locator(".recent-attempts"))
        .containsText("held by the circuit first", within(WAIT));
    fits(page);
    page.navigate(api.base() + "/hosts");
    assertThat(page.locator(".empty")).containsText("No held hosts");
    fits(page);

    // The held run's execution says why it started late, and links to the host.
    var executions = api.get("/api/v1/jobs/" + waiting + "/executions", tenant.key());
    String id = executions.json().get("data").get(0).get("id").asString();
    page.navigate(api.base() + "/executions/" + id);
    var why = page.locator(".late-why");
    assertThat(why).containsText("after its scheduled time: held by the open circuit of " + name);
    assertThat(why.locator("a")).hasAttribute("href", hostPage);
    assertThat(page.locator(".execution-title")).containsText("waiting");
    assertThat(page.locator(".execution-title .badge").first()).hasText("success");
    fits(page);
    small.navigate(api.base() + "/executions/" + id);
    assertThat(small.locator(".late-why")).containsText("held by the open circuit");
    fits(small);
  }
}
