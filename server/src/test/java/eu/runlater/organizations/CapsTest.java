package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.CapsProperties.TierCaps;
import eu.runlater.support.Api;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * Each cap of the free tier, set small at runtime, refuses the step past it and changes nothing.
 */
class CapsTest extends ServerTest {
  static final TierCaps ROOMY = new TierCaps(1_000L, DataSize.ofMegabytes(10), 10, 100, 100);

  @Autowired Caps caps;
  @Autowired JdbcClient jdbc;

  @AfterEach
  void restore() {
    caps.reset();
  }

  private void freeCaps(TierCaps value) {
    caps.override(Tier.FREE, value);
  }

  // Waiting messages

  @Test
  void a_push_past_the_waiting_message_cap_is_refused_and_room_comes_back_as_messages_finish() {
    freeCaps(new TierCaps(3L, DataSize.ofMegabytes(10), 10, 100, 100));
    var tenant = fixtures.tenant(Tier.FREE);
    api.put("/api/v1/queues/held", tenant.key(), "{\"paused\": true}");
    Api.Response three = api.post("/api/v1/messages/batch", tenant.key(), batch(3, ""));
    assertThat(three.status()).as(three.body()).isEqualTo(201);

    Api.Response fourth = push(tenant.key(), "");
    assertThat(fourth.status()).isEqualTo(429);
    assertThat(fourth.json().get("type").asString()).endsWith("/cap-waiting-messages");
    assertThat(fourth.json().get("detail").asString()).contains("allows 3 waiting messages");
    assertThat(messages(tenant.id())).isEqualTo(3);

    // A cancelled message leaves the count (the trigger on messages keeps it).
    String first = three.json().get("messages").get(0).get("message_id").asString();
    assertThat(api.post("/api/v1/messages/" + first + "/cancel", tenant.key(), null).status())
        .isEqualTo(200);
    assertThat(push(tenant.key(), "").status()).isEqualTo(201);
    assertThat(caps.usage(tenant.id()).waitingMessages()).isEqualTo(3);
  }

  @Test
  void the_counter_follows_every_path_a_message_takes() {
    var tenant = fixtures.tenant(Tier.FREE);
    api.put("/api/v1/queues/held", tenant.key(), "{\"paused\": true}");
    api.post("/api/v1/messages/batch", tenant.key(), batch(5, ""));
    assertThat(caps.usage(tenant.id()).waitingMessages()).isEqualTo(5);
    jdbc.sql("UPDATE messages SET state = 'queued' WHERE organization_id = :org")
        .param("org", tenant.id())
        .update();
    assertThat(caps.usage(tenant.id()).waitingMessages()).isEqualTo(5);
    jdbc.sql(
            "UPDATE messages SET state = 'delivered' WHERE organization_id = :org"
                + " AND id = (SELECT id FROM messages WHERE organization_id = :org"
                + " ORDER BY id LIMIT 1)")
        .param("org", tenant.id())
        .update();
    assertThat(caps.usage(tenant.id()).waitingMessages()).isEqualTo(4);
    // Deleting the queue deletes its messages.
    assertThat(api.delete("/api/v1/queues/held", tenant.key()).status()).isIn(200, 204);
    assertThat(caps.usage(tenant.id())).isEqualTo(new Caps.Usage(Tier.FREE, 0, 0));
  }

  // Stored bytes

  @Test
  void pushes_and_jobs_past_the_stored_bytes_cap_are_refused() {
    freeCaps(new TierCaps(1_000L, DataSize.ofBytes(4_000), 10, 100, 100));
    var tenant = fixtures.tenant(Tier.FREE);
    api.put("/api/v1/queues/held", tenant.key(), "{\"paused\": true}");
    String kilobyte = "x".repeat(1_500);
    assertThat(push(tenant.key(), kilobyte).status()).isEqualTo(201);
    assertThat(push(tenant.key(), kilobyte).status()).isEqualTo(201);
    long held = caps.usage(tenant.id()).storedBytes();
    assertThat(held).isBetween(3_000L, 3_400L);

    Api.Response third = push(tenant.key(), kilobyte);
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.json().get("type").asString()).endsWith("/cap-stored-bytes");
    assertThat(third.json().get("detail").asString()).contains("allows 4000 bytes");

    Api.Response job =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "big", "url": "https://example.com/job", "body": {"x": "%s"},
             "schedule": {"type": "once", "delay": "1h"}}
            """
                .formatted(kilobyte));
    assertThat(job.status()).isEqualTo(429);
    assertThat(job.json().get("type").asString()).endsWith("/cap-stored-bytes");
    assertThat(messages(tenant.id())).isEqualTo(2);
    assertThat(caps.usage(tenant.id()).storedBytes()).isEqualTo(held);
  }

  @Test
  void the_counter_follows_jobs_created_together_and_deleted() {
    var tenant = fixtures.tenant(Tier.PRO);
    // Concurrent creates share a transaction and go in as multi-row inserts (JobCreates), which
    // jobs V4's statement trigger counts once per statement.
    IntStream.range(0, 24)
        .parallel()
        .forEach(
            i ->
                assertThat(
                        api.post(
                                "/api/v1/jobs",
                                tenant.key(),
                                """
                                {"name": "j%d", "url": "https://example.com/%s", "body": "%s",
                                 "schedule": {"type": "once", "delay": "1h"}}
                                """
                                    .formatted(i, "p".repeat(i), "b".repeat(10 * i)))
                            .status())
                    .isEqualTo(201));
    long stored = jobBytes(tenant.id());
    assertThat(stored).isPositive();
    assertThat(caps.usage(tenant.id()).storedBytes()).isEqualTo(stored);

    String id =
        api.get("/api/v1/jobs", tenant.key()).json().get("data").get(0).get("id").asString();
    assertThat(api.delete("/api/v1/jobs/" + id, tenant.key()).status()).isIn(200, 204);
    assertThat(jobBytes(tenant.id())).isLessThan(stored);
    assertThat(caps.usage(tenant.id()).storedBytes()).isEqualTo(jobBytes(tenant.id()));
  }

  private long jobBytes(UUID organizationId) {
    return jdbc.sql(
            "SELECT coalesce(sum(request_bytes(url, headers, sealed_headers, body)), 0)"
                + " FROM jobs WHERE organization_id = :org")
        .param("org", organizationId)
        .query(Long.class)
        .single();
  }

  // Organizations per user

  @Test
  void a_user_cannot_own_more_organizations_than_the_tier_allows() {
    freeCaps(new TierCaps(1_000L, DataSize.ofMegabytes(10), 2, 100, 100));
    var tenant = fixtures.tenant(Tier.FREE);
    var user = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(user);
    browser.get("/organizations/new");
    assertThat(browser.post("/organizations/new", Map.of("name", "Second")).status())
        .isEqualTo(302);
    browser.get("/organizations/new");
    Browser.Page third = browser.post("/organizations/new", Map.of("name", "Third"));
    assertThat(third.status()).isEqualTo(200);
    assertThat(third.body()).contains("You own 2 organizations; the free tier allows 2 per user.");
    assertThat(owned(user.id())).isEqualTo(2);
  }

  // Invitations

  @Test
  void an_organization_sends_at_most_its_invitations_per_day() {
    // Pro: no member limit to reach first.
    caps.override(Tier.PRO, new TierCaps(1_000L, DataSize.ofMegabytes(10), 10, 2, 100));
    var tenant = fixtures.tenant(Tier.PRO);
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(owner);
    browser.get("/settings/team");
    invite(browser, "a@example.com");
    // Revoked invitations do not give a mail back.
    UUID first =
        jdbc.sql("SELECT id FROM invites WHERE organization_id = :org")
            .param("org", tenant.id())
            .query(UUID.class)
            .single();
    browser.post("/settings/team/invites/" + first + "/revoke", Map.of());
    assertThat(browser.get("/settings/team").body()).contains("Revoked the invitation");
    invite(browser, "b@example.com");
    browser.post("/settings/team/invites", Map.of("email", "c@example.com", "role", "member"));
    assertThat(browser.get("/settings/team").body())
        .contains("This organization has sent 2 invitations in the last 24 hours");
    assertThat(invites(tenant.id())).isEqualTo(2);
  }

  @Test
  void one_address_gets_at_most_its_invitations_per_day_from_all_organizations() {
    freeCaps(new TierCaps(1_000L, DataSize.ofMegabytes(10), 10, 100, 1));
    var a = fixtures.tenant(Tier.FREE);
    var b = fixtures.tenant(Tier.FREE);
    Browser ownerA = signIn(fixtures.user(a.id(), Role.OWNER));
    ownerA.get("/settings/team");
    invite(ownerA, "target@example.com");
    Browser ownerB = signIn(fixtures.user(b.id(), Role.OWNER));
    ownerB.get("/settings/team");
    ownerB.post("/settings/team/invites", Map.of("email", "target@example.com", "role", "member"));
    assertThat(ownerB.get("/settings/team").body())
        .contains("target@example.com has been sent 1 invitations in the last 24 hours");
    assertThat(invites(b.id())).isZero();
  }

  // Organization names

  @Test
  void organization_names_may_hold_no_line_break_and_no_web_address() {
    var tenant = fixtures.tenant();
    for (String name :
        new String[] {
          "Acme\\nClick here",
          "Acme\\r\\nBcc: x@example.com",
          "Visit evil.com now",
          "https://x.io",
          "www.acme"
        }) {
      Api.Response r =
          api.patch("/api/v1/organization", tenant.key(), "{\"name\": \"" + name + "\"}");
      assertThat(r.status()).as(name).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }
    assertThat(
            api.patch("/api/v1/organization", tenant.key(), "{\"name\": \"Acme Inc. Ltd\"}")
                .status())
        .isEqualTo(200);

    var user = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(user);
    browser.get("/settings/organization");
    browser.post("/settings/organization/name", Map.of("name", "Pay at evil.com"));
    assertThat(browser.get("/settings/organization").body())
        .contains("Leave out web addresses and domain names");
    browser.get("/organizations/new");
    Browser.Page created = browser.post("/organizations/new", Map.of("name", "Two\nlines"));
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.body()).contains("Use one line of text");
    assertThat(owned(user.id())).isEqualTo(1);
  }

  private void invite(Browser browser, String email) {
    Browser.Page page =
        browser.post("/settings/team/invites", Map.of("email", email, "role", "member"));
    assertThat(page.status()).isEqualTo(302);
    assertThat(browser.get("/settings/team").body()).contains("Invited " + email);
  }

  private Api.Response push(String key, String body) {
    return api.post(
        "/api/v1/queues/held/messages",
        key,
        "{\"url\": \"https://example.com/hook\", \"body\": {\"x\": \"" + body + "\"}}");
  }

  private static String batch(int n, String body) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                "{\"queue\": \"held\", \"url\": \"https://example.com/"
                    + i
                    + "\", \"body\": {\"x\": \""
                    + body
                    + "\"}}")
        .collect(Collectors.joining(",", "{\"messages\": [", "]}"));
  }

  private long messages(UUID organizationId) {
    return jdbc.sql("SELECT count(*) FROM messages WHERE organization_id = :org")
        .param("org", organizationId)
        .query(Long.class)
        .single();
  }

  private long invites(UUID organizationId) {
    return jdbc.sql("SELECT count(*) FROM invites WHERE organization_id = :org")
        .param("org", organizationId)
        .query(Long.class)
        .single();
  }

  private long owned(UUID userId) {
    return jdbc.sql("SELECT count(*) FROM memberships WHERE user_id = :id AND role = 'owner'")
        .param("id", userId)
        .query(Long.class)
        .single();
  }
}
