package eu.runlater.organizations;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import eu.runlater.apikeys.AdminKeys;
import eu.runlater.engine.Engine;
import eu.runlater.engine.Nodes;
import eu.runlater.platform.security.ApiScope;
import eu.runlater.support.Axe;
import eu.runlater.support.Chromium;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Layout;
import eu.runlater.support.Profiles;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The superadmin's nodes page in the system Chromium, at desktop and phone sizes (axe, layout):
 * this node alive and leading, a node the leader declared dead, a stopped one; 403 for anyone else;
 * the same as JSON for an admin key.
 */
class NodesBrowserTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired Engine engine;
  @Autowired Nodes nodes;
  @Autowired AdminKeys adminKeys;
  private final Profiles profiles = new Profiles();

  @AfterEach
  void close() {
    profiles.close();
  }

  private Fixtures.TestUser superadmin(java.util.UUID organizationId) {
    var user = fixtures.user(organizationId, Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    return user;
  }

  /** A node row as another process would write it (tests may; the server never does). */
  private void otherNode(String id, String state, String silentFor) {
    jdbc.sql(
            """
            INSERT INTO engine_nodes (node_id, started_at, heartbeat_at, version, host, pid, state,
                                      dead_at)
            VALUES (:id, now() - interval '2 hours', now() - CAST(:silent AS interval), '0.9.0',
                    'worker-2.internal', 4242, :state,
                    CASE WHEN :state = 'dead' THEN now() - interval '1 minute' END)
            """)
        .param("id", id)
        .param("state", state)
        .param("silent", silentFor)
        .update();
  }

  /**
   * Until this node's row is there, leading, with its clock offset (tables may have been emptied
   * before the class: its next heartbeat writes the row again).
   */
  private void awaitOwnRow(String self) {
    Sink.await(
        Duration.ofSeconds(15),
        "this node's row, leading, with its clock offset",
        () -> {
          try {
            return nodes.list().stream()
                .anyMatch(n -> n.id().equals(self) && n.leader() && n.clockOffset() != null);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private Page signedIn(
      Fixtures.TestUser user, java.util.function.Supplier<BrowserContext> device) {
    return profiles.page(device, api.base(), user);
  }

  @Test
  void the_superadmin_sees_every_node_with_its_state_and_leadership() {
    String self = engine.config().nodeId();
    awaitOwnRow(self);
    otherNode("worker-2-4242-dead01", "dead", "3 minutes");
    otherNode("worker-3-77-stop01", "stopped", "1 hour");
    var tenant = fixtures.tenant();
    var admin = superadmin(tenant.id());

    for (boolean desktop : List.of(true, false)) {
      Page page = signedIn(admin, desktop ? Chromium::context : Chromium::phone);
      if (desktop) {
        // Reached from the user menu, where the superadmin's pages are linked.
        page.navigate(api.base() + "/");
        page.locator("details.user-menu summary").click();
        page.getByText("Nodes (admin)").click();
        page.waitForURL(url -> url.endsWith("/admin/nodes"));
      } else {
        page.navigate(api.base() + "/admin/nodes");
      }
      var mine =
          page.locator("#nodes tr")
              .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(self));
      assertThat(mine).containsText("alive");
      assertThat(mine).containsText("leader");
      // Its clock against the database's (the same machine: well within a second, no warning).
      assertThat(mine).containsText(java.util.regex.Pattern.compile("\\d+ ms (ahead|behind)"));
      assertThat(mine.locator(".badge.late")).hasCount(0);
      var dead =
          page.locator("#nodes tr")
              .filter(
                  new com.microsoft.playwright.Locator.FilterOptions()
                      .setHasText("worker-2-4242-dead01"));
      assertThat(dead).containsText("dead");
      assertThat(dead).containsText("0.9.0");
      // Three minutes silent when the row was written; the pages may take a while on a busy box.
      assertThat(dead).containsText(java.util.regex.Pattern.compile("\\d+ min ago"));
      assertThat(
              page.locator("#nodes tr")
                  .filter(
                      new com.microsoft.playwright.Locator.FilterOptions()
                          .setHasText("worker-3-77-stop01")))
          .containsText("stopped", new LocatorAssertions.ContainsTextOptions());
      Axe.assertClean(page);
      Layout.assertFits(page);
    }

    Page owner = signedIn(fixtures.user(tenant.id(), Role.OWNER), Chromium::context);
    var refused = owner.navigate(api.base() + "/admin/nodes");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(owner.locator("body")).not().containsText("worker-2-4242-dead01");
  }

  @Test
  void an_admin_key_reads_the_nodes_as_json_and_any_other_key_is_refused() {
    otherNode("worker-9-1-dead02", "dead", "20 seconds");
    var tenant = fixtures.tenant();
    var admin = superadmin(tenant.id());
    String key = adminKeys.create(tenant.id(), "ops", admin.id(), ApiScope.READ_ONLY).token();

    var plain = api.get("/api/v1/admin/nodes", tenant.key());
    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.body()).contains("admin-key-required");

    var list = api.get("/api/v1/admin/nodes", key);
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    var dead = new ArrayList<tools.jackson.databind.JsonNode>();
    list.json()
        .get("data")
        .forEach(
            n -> {
              if (n.get("id").asString().equals("worker-9-1-dead02")) {
                dead.add(n);
              }
            });
    assertThat(dead).hasSize(1);
    assertThat(dead.getFirst().get("state").asString()).isEqualTo("dead");
    assertThat(dead.getFirst().get("silent_for_ms").asLong()).isGreaterThanOrEqualTo(20_000);
    assertThat(dead.getFirst().get("leader").asBoolean()).isFalse();
    assertThat(dead.getFirst().has("heartbeat_at")).isTrue();
    var deadOffset = dead.getFirst().get("clock_offset_ms");
    assertThat(deadOffset == null || deadOffset.isNull()).as("never measured").isTrue();
  }

  @Test
  void the_json_gives_each_node_s_clock_offset() throws Exception {
    String self = engine.config().nodeId();
    awaitOwnRow(self);
    var tenant = fixtures.tenant();
    var admin = superadmin(tenant.id());
    String key = adminKeys.create(tenant.id(), "ops", admin.id(), ApiScope.READ_ONLY).token();
    var list = api.get("/api/v1/admin/nodes", key);
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    var offsets = new ArrayList<Long>();
    list.json()
        .get("data")
        .forEach(
            n -> {
              if (n.get("id").asString().equals(self)) {
                offsets.add(n.get("clock_offset_ms").asLong());
              }
            });
    assertThat(offsets).singleElement().satisfies(ms -> assertThat(Math.abs(ms)).isLessThan(1_000));
  }
}
