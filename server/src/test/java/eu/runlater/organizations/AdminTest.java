package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Tiers are the superadmin's: a page and an API for them, 403 for everyone else. */
class AdminTest extends ServerTest {
  private static final Pattern KEY = Pattern.compile("pk_live_[a-z2-7]{16}\\.sk_live_[\\w-]{43}");
  @Autowired JdbcClient jdbc;
  @Autowired Organizations organizations;

  private Fixtures.TestUser superadmin(UUID organizationId) {
    var user = fixtures.user(organizationId, Role.OWNER);
    jdbc.sql("UPDATE users SET superadmin = true WHERE id = :id").param("id", user.id()).update();
    return user;
  }

  @Test
  void only_the_superadmin_sees_the_page_and_changes_a_tier() {
    var tenant = fixtures.tenant(Tier.FREE);
    Browser owner = signIn(fixtures.user(tenant.id(), Role.OWNER));
    assertThat(owner.get("/admin/organizations").status()).isEqualTo(403);
    owner.get("/settings/billing");
    var refused =
        owner.post("/admin/organizations/" + tenant.id() + "/tier", Map.of("tier", "pro"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.FREE);
    assertThat(new Browser(port).get("/admin/organizations").redirectPath()).isEqualTo("/login");

    Browser admin = signIn(superadmin(fixtures.tenant().id()));
    var page = admin.get("/admin/organizations?q=" + tenant.organization().slug());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains(tenant.organization().name(), "free");
    // Without the CSRF token nothing changes.
    assertThat(
            admin
                .postRaw("/admin/organizations/" + tenant.id() + "/tier", Map.of("tier", "pro"))
                .status())
        .isEqualTo(403);
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.FREE);
    var changed =
        admin.post("/admin/organizations/" + tenant.id() + "/tier", Map.of("tier", "pro"));
    assertThat(changed.redirectPath()).startsWith("/admin/organizations");
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.PRO);
    assertThat(maxRunning(tenant.id())).isEqualTo(Tier.PRO.limits().concurrency());
    assertThat(admin.get(changed.redirectPath()).body()).contains("is on pro now");
    admin.post("/admin/organizations/" + tenant.id() + "/tier", Map.of("tier", "gold"));
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.PRO);
  }

  @Test
  void the_admin_api_takes_an_admin_key_made_by_a_signed_in_superadmin() {
    var tenant = fixtures.tenant(Tier.FREE);
    String path = "/api/v1/admin/organizations/" + tenant.id();
    // An ordinary key, of any organization, is refused and changes nothing.
    var plain = api.patch(path, tenant.key(), "{\"tier\": \"pro\"}");
    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.body()).contains("admin-key-required");
    assertThat(api.get("/api/v1/admin/organizations", tenant.key()).status()).isEqualTo(403);
    assertThat(api.get("/api/v1/admin/organizations", null).status()).isEqualTo(401);
    // Nor can a key change its own organization's tier.
    assertThat(api.patch("/api/v1/organization", tenant.key(), "{\"tier\": \"pro\"}").status())
        .isEqualTo(403);
    // Nor can the API create an admin key.
    assertThat(
            api.post(
                    "/api/v1/api-keys", tenant.key(), "{\"name\": \"sneaky\", \"admin_key\": true}")
                .status())
        .isEqualTo(422);
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.FREE);

    // An owner who is not superadmin cannot make an admin key on the page.
    var home = fixtures.tenant();
    Browser owner = signIn(fixtures.user(home.id(), Role.OWNER));
    owner.get("/settings/api-keys");
    assertThat(owner.get("/settings/api-keys").body()).doesNotContain("adminKey");
    var refused = owner.post("/settings/api-keys", Map.of("name", "wannabe", "adminKey", "true"));
    assertThat(refused.status()).isEqualTo(403);

    var operator = superadmin(home.id());
    Browser admin = signIn(operator);
    admin.get("/settings/api-keys");
    var created = admin.post("/settings/api-keys", Map.of("name", "ops", "adminKey", "true"));
    Matcher m = KEY.matcher(created.body());
    assertThat(m.find()).as(created.body()).isTrue();
    String key = m.group();
    assertThat(admin.get("/settings/api-keys").body()).contains("admin</span>");

    var list = api.get("/api/v1/admin/organizations?limit=200", key);
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    assertThat(list.body()).contains(tenant.id().toString(), "\"members\"");
    var one = api.get(path, key);
    assertThat(one.json().get("tier").asString()).isEqualTo("free");
    var invalid = api.patch(path, key, "{\"tier\": \"gold\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.body()).contains("must be free or pro");
    var upgraded = api.patch(path, key, "{\"tier\": \"pro\"}");
    assertThat(upgraded.status()).as(upgraded.body()).isEqualTo(200);
    assertThat(upgraded.json().get("tier").asString()).isEqualTo("pro");
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.PRO);
    assertThat(maxRunning(tenant.id())).isEqualTo(Tier.PRO.limits().concurrency());
    assertThat(
            api.patch(
                    "/api/v1/admin/organizations/" + UUID.randomUUID(), key, "{\"tier\": \"pro\"}")
                .status())
        .isEqualTo(404);

    // The key borrows its creator's standing: no longer superadmin, no longer admin.
    jdbc.sql("UPDATE users SET superadmin = false WHERE id = :id")
        .param("id", operator.id())
        .update();
    assertThat(api.patch(path, key, "{\"tier\": \"free\"}").status()).isEqualTo(403);
    assertThat(organizations.get(tenant.id()).tier()).isEqualTo(Tier.PRO);
    // It stays an ordinary key of its organization.
    assertThat(api.get("/api/v1/organization", key).status()).isEqualTo(200);
  }

  private int maxRunning(UUID org) {
    return jdbc.sql("SELECT max_running FROM organization_caps WHERE organization_id = :id")
        .param("id", org)
        .query(Integer.class)
        .single();
  }
}
