package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.accounts.Users;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class SettingsPagesTest extends ServerTest {
  private static final Pattern TOKEN =
      Pattern.compile("pk_live_[a-z2-7]{16}\\.sk_live_[A-Za-z0-9_-]{43}");
  private static final Pattern WHSEC = Pattern.compile("whsec_[A-Za-z0-9+/=]+");

  @Autowired JdbcClient jdbc;
  @Autowired Organizations organizations;
  @Autowired CachedSigningSecrets cachedSecrets;
  @Autowired OperatorContact operatorContact;
  @Autowired Users users;
  @Autowired Members members;

  // Organizations and the organization tab

  @Test
  void settings_opens_the_organization_tab_and_a_member_sees_no_other_tab() {
    var tenant = fixtures.tenant();
    Browser member = signedIn(tenant, Role.MEMBER);
    assertThat(member.get("/settings").redirectPath()).isEqualTo("/settings/organization");
    var page = member.get("/settings/organization");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains(tenant.organization().name(), tenant.organization().slug())
        .doesNotContain("/settings/api-keys", "/settings/team", "/settings/billing")
        .doesNotContain("Rename", "Danger zone");
    for (String path : List.of("/settings/api-keys", "/settings/team", "/settings/billing")) {
      assertThat(member.get(path).status()).as(path).isEqualTo(403);
    }
  }

  @Test
  void admins_see_every_tab_but_only_owners_see_the_danger_zone() {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    var page = admin.get("/settings/organization");
    assertThat(page.body())
        .contains("/settings/api-keys", "/settings/team", "/settings/billing", "Rename")
        .doesNotContain("Danger zone");
    for (String path : List.of("/settings/api-keys", "/settings/team", "/settings/billing")) {
      assertThat(admin.get(path).status()).as(path).isEqualTo(200);
    }
    Browser owner = signedIn(tenant, Role.OWNER);
    assertThat(owner.get("/settings/organization").body()).contains("Danger zone");
    for (String path : List.of("/settings/api-keys", "/settings/team", "/settings/billing")) {
      assertThat(owner.get(path).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void a_user_creates_an_organization_owns_it_on_the_free_tier_and_switches_to_it() {
    var tenant = fixtures.tenant();
    var user = fixtures.user(tenant.id(), Role.MEMBER);
    Browser browser = signIn(user);
    browser.get("/organizations/new");
    var blank = browser.post("/organizations/new", Map.of("name", "  "));
    assertThat(blank.status()).isEqualTo(200);
    assertThat(blank.body()).contains("Enter a name.");

    var created = browser.post("/organizations/new", Map.of("name", "Acme Robotics"));
    assertThat(created.redirectPath()).isEqualTo("/settings/organization");
    var page = browser.get("/settings/organization");
    assertThat(page.body()).contains("Acme Robotics", "acme-robotics-", "Danger zone");

    Membership acme =
        members.memberships(user.id()).stream()
            .filter(m -> m.organizationName().equals("Acme Robotics"))
            .findFirst()
            .orElseThrow();
    assertThat(acme.role()).isEqualTo(Role.OWNER);
    assertThat(acme.tier()).isEqualTo(Tier.FREE);
    assertThat(maxRunning(acme.organizationId())).isEqualTo(Tier.FREE.limits().concurrency());
  }

  @Test
  void a_user_without_an_organization_is_sent_to_create_one() {
    var loner = fixtures.user();
    Browser browser = signIn(loner);
    assertThat(browser.get("/").redirectPath()).isEqualTo("/organizations/new");
    assertThat(browser.get("/settings/organization").redirectPath())
        .isEqualTo("/organizations/new");
    var form = browser.get("/organizations/new");
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.body()).contains("You belong to no organization");
  }

  @Test
  void renaming_is_for_admins_and_owners() {
    var tenant = fixtures.tenant();
    String before = tenant.organization().name();
    Browser member = signedIn(tenant, Role.MEMBER);
    member.get("/settings/organization");
    assertThat(member.post("/settings/organization/name", Map.of("name", "Hijacked")).status())
        .isEqualTo(403);
    assertThat(organizations.get(tenant.id()).name()).isEqualTo(before);

    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/organization");
    var renamed = admin.post("/settings/organization/name", Map.of("name", " Renamed Inc "));
    assertThat(renamed.redirectPath()).isEqualTo("/settings/organization");
    assertThat(organizations.get(tenant.id()).name()).isEqualTo("Renamed Inc");
    assertThat(admin.get("/settings/organization").body()).contains("Renamed to Renamed Inc.");
  }

  @Test
  void only_an_owner_deletes_and_only_after_typing_the_name() {
    var tenant = fixtures.tenant();
    String name = tenant.organization().name();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/organization");
    assertThat(admin.post("/settings/organization/delete", Map.of("confirm", name)).status())
        .isEqualTo(403);
    assertThat(organizations.find(tenant.id())).isPresent();

    var owner = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(owner);
    browser.get("/settings/organization");
    var wrong = browser.post("/settings/organization/delete", Map.of("confirm", "nope"));
    assertThat(wrong.redirectPath()).isEqualTo("/settings/organization");
    assertThat(organizations.find(tenant.id())).isPresent();
    assertThat(browser.get("/settings/organization").body()).contains("Type the organization");
  }

  @Test
  void deleting_an_organization_removes_everything_in_it_and_sends_the_owner_on() {
    var tenant = fixtures.tenant();
    var other = fixtures.tenant();
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    members.add(other.id(), owner.id(), Role.MEMBER);
    insertTask(tenant.id());
    insertTask(other.id());
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);

    Browser browser = signIn(owner);
    browser.post("/organizations/switch", Map.of("organization", tenant.id().toString()));
    browser.get("/settings/organization");
    var deleted =
        browser.post(
            "/settings/organization/delete", Map.of("confirm", tenant.organization().name()));
    assertThat(deleted.redirectPath()).isEqualTo("/");

    assertThat(organizations.find(tenant.id())).isEmpty();
    assertThat(count("SELECT count(*) FROM tasks WHERE organization_id = :id", tenant.id()))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM organization_caps WHERE organization_id = :id", tenant.id()))
        .isZero();
    assertThat(count("SELECT count(*) FROM api_keys WHERE organization_id = :id", tenant.id()))
        .isZero();
    assertThat(count("SELECT count(*) FROM memberships WHERE organization_id = :id", tenant.id()))
        .isZero();
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(401);
    // The other organization is untouched, and the session shows it now.
    assertThat(count("SELECT count(*) FROM tasks WHERE organization_id = :id", other.id()))
        .isEqualTo(1);
    assertThat(browser.get("/").body()).contains(other.organization().name());

    // The last organization gone, the owner is asked to create one.
    var solo = fixtures.tenant();
    var soloOwner = fixtures.user(solo.id(), Role.OWNER);
    Browser soloBrowser = signIn(soloOwner);
    soloBrowser.get("/settings/organization");
    assertThat(
            soloBrowser
                .post(
                    "/settings/organization/delete", Map.of("confirm", solo.organization().name()))
                .redirectPath())
        .isEqualTo("/organizations/new");
  }

  @Test
  void a_member_may_leave_but_the_last_owner_may_not() {
    var tenant = fixtures.tenant();
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    Browser browser = signIn(member);
    browser.get("/settings/organization");
    assertThat(browser.post("/settings/organization/leave", Map.of()).redirectPath())
        .isEqualTo("/organizations/new");
    assertThat(members.memberships(member.id())).isEmpty();

    Browser ownerBrowser = signIn(owner);
    ownerBrowser.get("/settings/organization");
    assertThat(ownerBrowser.post("/settings/organization/leave", Map.of()).redirectPath())
        .isEqualTo("/settings/organization");
    assertThat(ownerBrowser.get("/settings/organization").body())
        .contains("keeps at least one owner");
    assertThat(members.memberships(owner.id())).hasSize(1);
  }

  // API keys

  @Test
  void an_api_key_created_on_the_page_works_is_shown_once_and_stops_working_once_revoked() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Browser browser = signIn(admin);
    browser.get("/settings/api-keys");
    var created = browser.post("/settings/api-keys", Map.of("name", "production"));
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.headers().get("cache-control")).contains("no-store");
    Matcher m = TOKEN.matcher(created.body());
    assertThat(m.find()).isTrue();
    String token = m.group();
    assertThat(created.body()).contains("will not be shown again", "data-copy=\"api-key-value\"");

    var org = api.get("/api/v1/organization", token);
    assertThat(org.status()).isEqualTo(200);
    assertThat(org.json().get("id").asString()).isEqualTo(tenant.id().toString());

    var list = browser.get("/settings/api-keys");
    String prefix = token.substring(0, token.indexOf('.'));
    assertThat(list.body())
        .contains(prefix, "production", admin.email())
        .doesNotContain(token.substring(token.indexOf(".sk_live_")));

    UUID id = keyId(tenant.id(), "production");
    var revoked = browser.post("/settings/api-keys/" + id + "/revoke", Map.of());
    assertThat(revoked.redirectPath()).isEqualTo("/settings/api-keys");
    assertThat(api.get("/api/v1/organization", token).status()).isEqualTo(401);
    assertThat(browser.get("/settings/api-keys").body()).contains("revoked");
  }

  @Test
  void a_key_needs_a_name() {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/api-keys");
    var page = admin.post("/settings/api-keys", Map.of("name", " "));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Name the key");
    assertThat(TOKEN.matcher(page.body()).find()).isFalse();
  }

  @Test
  void members_may_not_create_or_revoke_keys() {
    var tenant = fixtures.tenant();
    Browser member = signedIn(tenant, Role.MEMBER);
    member.get("/settings/organization");
    var create = member.post("/settings/api-keys", Map.of("name", "sneaky"));
    assertThat(create.status()).isEqualTo(403);
    assertThat(TOKEN.matcher(create.body()).find()).isFalse();
    assertThat(count("SELECT count(*) FROM api_keys WHERE organization_id = :id", tenant.id()))
        .isEqualTo(1);
    assertThat(member.post("/settings/api-keys/" + tenant.keyId() + "/revoke", Map.of()).status())
        .isEqualTo(403);
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);
  }

  @Test
  void another_organizations_key_is_not_found() {
    var tenant = fixtures.tenant();
    var other = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/api-keys");
    var page = admin.post("/settings/api-keys/" + other.keyId() + "/revoke", Map.of());
    assertThat(page.status()).isEqualTo(404);
    assertThat(api.get("/api/v1/organization", other.key()).status()).isEqualTo(200);
  }

  // The signing secret

  @Test
  void the_signing_secret_is_revealed_by_post_to_admins_and_owners_only() {
    var tenant = fixtures.tenant();
    String secret = organizations.signingSecret(tenant.id());
    Browser member = signedIn(tenant, Role.MEMBER);
    member.get("/settings/organization");
    var refused = member.post("/settings/api-keys/signing-secret", Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain(secret);

    Browser admin = signedIn(tenant, Role.ADMIN);
    var page = admin.get("/settings/api-keys");
    assertThat(page.body()).doesNotContain(secret).contains("Reveal secret");
    var revealed = admin.post("/settings/api-keys/signing-secret", Map.of());
    assertThat(revealed.status()).isEqualTo(200);
    assertThat(revealed.body()).contains(secret, "data-copy=\"signing-secret-value\"");
    Browser owner = signedIn(tenant, Role.OWNER);
    owner.get("/settings/api-keys");
    assertThat(owner.post("/settings/api-keys/signing-secret", Map.of()).body()).contains(secret);
  }

  @Test
  void after_a_rotation_both_secrets_sign_for_24_hours_then_only_the_new_one() {
    var tenant = fixtures.tenant();
    String old = organizations.signingSecret(tenant.id());
    // Warm this node's cache, which the rotation must not leave stale.
    assertThat(cachedSecrets.forOrganization(tenant.id())).containsExactly(old);

    Browser member = signedIn(tenant, Role.MEMBER);
    member.get("/settings/organization");
    assertThat(member.post("/settings/api-keys/signing-secret/rotate", Map.of()).status())
        .isEqualTo(403);
    assertThat(organizations.signingSecrets(tenant.id())).containsExactly(old);

    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/api-keys");
    Instant before = Instant.now();
    var rotated = admin.post("/settings/api-keys/signing-secret/rotate", Map.of());
    assertThat(rotated.redirectPath()).isEqualTo("/settings/api-keys");
    assertThat(admin.get("/settings/api-keys").body()).contains("Rotated the signing secret");

    List<String> secrets = organizations.signingSecrets(tenant.id());
    assertThat(secrets).hasSize(2);
    assertThat(secrets.get(0)).startsWith("whsec_").isNotEqualTo(old);
    assertThat(secrets.get(1)).isEqualTo(old);
    assertThat(cachedSecrets.forOrganization(tenant.id())).isEqualTo(secrets);
    Instant expires =
        jdbc.sql("SELECT previous_secret_expires_at FROM organizations WHERE id = :id")
            .param("id", tenant.id())
            .query(java.sql.Timestamp.class)
            .single()
            .toInstant();
    assertThat(expires)
        .isBetween(before.plus(Duration.ofHours(24)), Instant.now().plus(Duration.ofHours(24)));
    var revealed = admin.post("/settings/api-keys/signing-secret", Map.of());
    Matcher shown = WHSEC.matcher(revealed.body());
    assertThat(shown.find()).isTrue();
    assertThat(shown.group()).isEqualTo(secrets.get(0));

    // The overlap over, the old secret stops signing.
    jdbc.sql(
            "UPDATE organizations SET previous_secret_expires_at = now() - interval '1 second'"
                + " WHERE id = :id")
        .param("id", tenant.id())
        .update();
    assertThat(organizations.signingSecrets(tenant.id())).containsExactly(secrets.get(0));
  }

  @Test
  void the_secret_reveals_as_an_htmx_fragment() throws Exception {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/api-keys");
    HttpClient client = HttpClient.newBuilder().cookieHandler(admin.cookies()).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/settings/api-keys/signing-secret"))
                .header("HX-Request", "true")
                .header("X-CSRF-TOKEN", admin.csrf())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains(organizations.signingSecret(tenant.id()), "id=\"signing-secret\"")
        .doesNotContain("<html", "New API key");
  }

  @Test
  void the_api_rotates_the_signing_secret_and_returns_the_new_one_once() {
    var tenant = fixtures.tenant();
    String old = organizations.signingSecret(tenant.id());
    var response = api.post("/api/v1/organization/signing-secret/rotate", tenant.key(), "{}");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    String fresh = response.json().get("signing_secret").asString();
    assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
    assertThat(Instant.parse(response.json().get("previous_secret_expires_at").asString()))
        .isAfter(Instant.now().plus(Duration.ofHours(23)));
    assertThat(organizations.signingSecrets(tenant.id())).containsExactly(fresh, old);
    assertThat(cachedSecrets.forOrganization(tenant.id())).containsExactly(fresh, old);
  }

  // Billing

  @Test
  void billing_shows_the_tier_its_limits_and_this_months_usage() {
    var tenant = fixtures.tenant(Tier.FREE);
    jdbc.sql(
            "INSERT INTO usage_months (organization_id, month, deliveries)"
                + " VALUES (:id, date_trunc('month', now() AT TIME ZONE 'UTC')::date, 1234)")
        .param("id", tenant.id())
        .update();
    Browser admin = signedIn(tenant, Role.ADMIN);
    var page = admin.get("/settings/billing");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("free", "1234", "of 10000", "3600 s", "7 days", "operator of this Runlater")
        .doesNotContain("Upgrade to Pro");
  }

  @Test
  void billing_lists_the_tiers_inbound_limits_per_source_rate_and_retention() {
    for (Tier tier : Tier.values()) {
      var tenant = fixtures.tenant(tier);
      var page = signedIn(tenant, Role.ADMIN).get("/settings/billing");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body())
          .contains("Inbound requests per source", "Inbound requests kept")
          .contains(
              tier.limits().inboundRequestsPerSecond() + " a second at most",
              tier.limits().historyDays() + " days, bodies included");
    }
    assertThat(Tier.FREE.limits().inboundRequestsPerSecond()).isEqualTo(10);
    assertThat(Tier.PRO.limits().inboundRequestsPerSecond()).isEqualTo(1_000);
  }

  @Test
  void an_owner_cannot_upgrade_and_the_billing_page_names_whom_to_ask() {
    var tenant = fixtures.tenant(Tier.FREE);
    var operator = fixtures.user();
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id")
        .param("id", operator.id())
        .update();
    Browser owner = signedIn(tenant, Role.OWNER);
    var page = owner.get("/settings/billing");
    // Unset RUNLATER_OPERATOR_CONTACT: a generic line, and never the superadmin's sign-in address.
    assertThat(page.body())
        .contains("Ask the operator of this instance", tenant.organization().slug())
        .doesNotContain(operator.email())
        .doesNotContain("/settings/billing/upgrade");
    try {
      operatorContact.set("billing@ops.example.org");
      assertThat(owner.get("/settings/billing").body())
          .contains("href=\"mailto:billing@ops.example.org\"")
          .doesNotContain(operator.email());
      operatorContact.set("the platform team in #ops");
      assertThat(owner.get("/settings/billing").body())
          .contains("contact", "the platform team in #ops")
          .doesNotContain(operator.email());
    } finally {
      operatorContact.set(null);
    }
    // The old one-click upgrade is gone: a direct POST changes nothing.
    var refused = owner.post("/settings/billing/upgrade", Map.of());
    assertThat(refused.status()).isEqualTo(404);
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.FREE);
    assertThat(maxRunning(tenant.id())).isEqualTo(Tier.FREE.limits().concurrency());
  }

  private Browser signedIn(Fixtures.Tenant tenant, Role role) {
    return signIn(fixtures.user(tenant.id(), role));
  }

  private int maxRunning(UUID org) {
    return jdbc.sql("SELECT max_running FROM organization_caps WHERE organization_id = :id")
        .param("id", org)
        .query(Integer.class)
        .single();
  }

  private long count(String sql, UUID id) {
    return jdbc.sql(sql).param("id", id).query(Long.class).single();
  }

  private UUID keyId(UUID org, String name) {
    return jdbc.sql("SELECT id FROM api_keys WHERE organization_id = :org AND name = :name")
        .param("org", org)
        .param("name", name)
        .query(UUID.class)
        .single();
  }

  private void insertTask(UUID org) {
    jdbc.sql(
            """
            INSERT INTO tasks (id, organization_id, source_kind, priority, run_at, scheduled_for,
                               max_attempts, url, method, timeout_ms, backoff_base_ms,
                               backoff_max_ms, created_at)
            VALUES (:id, :org, 'job', 4, now() + interval '1 day', now() + interval '1 day', 1,
                    'http://127.0.0.1:9/x', 'POST', 1000, 100, 200, now())
            """)
        .param("id", UUID.randomUUID())
        .param("org", org)
        .update();
  }
}
