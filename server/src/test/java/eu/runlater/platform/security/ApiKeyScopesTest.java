package eu.runlater.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.apikeys.ApiKeys;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Each scope against a read, a write, a push, a trigger, key creation and secret rotation. */
class ApiKeyScopesTest extends ServerTest {
  // Loopback is allowed in tests; nothing listens on the discard port, so deliveries just fail.
  private static final String TARGET = "http://127.0.0.1:9/hook";
  private static final String JOB =
      """
      {"name": "later", "url": "%s", "schedule": {"type": "once", "delay": "1h"}}
      """
          .formatted(TARGET);

  @Autowired ApiKeys keys;
  @Autowired JdbcClient jdbc;

  private Fixtures.Tenant tenant;
  private String jobId;

  @BeforeEach
  void tenantWithAJob() {
    tenant = fixtures.tenant();
    var created = api.post("/api/v1/jobs", tenant.key(), JOB);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    jobId = created.json().get("id").asString();
  }

  private String key(String scope) {
    var r =
        api.post(
            "/api/v1/api-keys",
            tenant.key(),
            "{\"name\": \"" + scope + "\", \"scope\": \"" + scope + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("api_key").get("scope").asString()).isEqualTo(scope);
    return r.json().get("key").asString();
  }

  private Api.Response read(String key) {
    return api.get("/api/v1/jobs", key);
  }

  private Api.Response write(String key) {
    return api.post("/api/v1/jobs", key, JOB);
  }

  private Api.Response push(String key) {
    return api.post("/api/v1/queues/scoped/messages", key, "{\"url\": \"" + TARGET + "\"}");
  }

  private Api.Response trigger(String key) {
    return api.post("/api/v1/jobs/" + jobId + "/trigger", key, null);
  }

  private Api.Response createKey(String key) {
    return api.post("/api/v1/api-keys", key, "{\"name\": \"more\"}");
  }

  private Api.Response rotate(String key) {
    return api.post("/api/v1/organization/signing-secret/rotate", key, null);
  }

  private static void refused(Api.Response r, String scope) {
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).endsWith("api-key-scope");
    assertThat(r.json().get("scope").asString()).isEqualTo(scope);
    assertThat(r.json().get("detail").asString()).contains("'" + scope + "'", "allows");
  }

  private long count(String table) {
    return jdbc.sql("SELECT count(*) FROM " + table + " WHERE organization_id = :o")
        .param("o", tenant.id())
        .query(Long.class)
        .single();
  }

  @Test
  void a_full_key_may_do_everything_and_keys_default_to_full() {
    var plain = api.post("/api/v1/api-keys", tenant.key(), "{\"name\": \"no scope given\"}");
    assertThat(plain.json().get("api_key").get("scope").asString()).isEqualTo("full");
    String full = plain.json().get("key").asString();
    assertThat(read(full).status()).isEqualTo(200);
    assertThat(write(full).status()).isEqualTo(201);
    assertThat(push(full).status()).isEqualTo(201);
    assertThat(trigger(full).status()).isEqualTo(202);
    assertThat(createKey(full).status()).isEqualTo(201);
    assertThat(rotate(full).status()).isEqualTo(200);
  }

  @Test
  void a_read_only_key_reads_and_nothing_else() {
    String key = key("read-only");
    long jobs = count("jobs");
    long apiKeys = count("api_keys");
    assertThat(read(key).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/jobs/" + jobId, key).status()).isEqualTo(200);
    refused(write(key), "read-only");
    refused(push(key), "read-only");
    refused(trigger(key), "read-only");
    refused(createKey(key), "read-only");
    refused(rotate(key), "read-only");
    refused(api.patch("/api/v1/jobs/" + jobId, key, "{\"name\": \"x\"}"), "read-only");
    refused(api.delete("/api/v1/jobs/" + jobId, key), "read-only");
    // A GET through the proxy is a push, not a read.
    refused(api.get("/q/" + TARGET, key), "read-only");
    assertThat(count("jobs")).isEqualTo(jobs);
    assertThat(count("api_keys")).isEqualTo(apiKeys);
    assertThat(count("messages")).isZero();
  }

  @Test
  void a_send_key_pushes_and_triggers_and_nothing_else() {
    String key = key("send");
    String secretBefore =
        jdbc.sql("SELECT encode(signing_secret, 'hex') FROM organizations WHERE id = :o")
            .param("o", tenant.id())
            .query(String.class)
            .single();
    long apiKeys = count("api_keys");
    assertThat(push(key).status()).isEqualTo(201);
    assertThat(trigger(key).status()).isEqualTo(202);
    assertThat(api.send("POST", "/q/" + TARGET, key, "text/plain", "hi").status()).isEqualTo(201);
    refused(read(key), "send");
    refused(write(key), "send");
    refused(createKey(key), "send");
    refused(rotate(key), "send");
    refused(api.delete("/api/v1/jobs/" + jobId, key), "send");
    assertThat(count("jobs")).isEqualTo(1);
    assertThat(count("api_keys")).isEqualTo(apiKeys);
    assertThat(
            jdbc.sql("SELECT encode(signing_secret, 'hex') FROM organizations WHERE id = :o")
                .param("o", tenant.id())
                .query(String.class)
                .single())
        .isEqualTo(secretBefore);
  }

  @Test
  void an_unknown_scope_is_422_and_the_listing_shows_each_keys_scope() {
    var bad = api.post("/api/v1/api-keys", tenant.key(), "{\"name\": \"x\", \"scope\": \"admin\"}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().get("errors").toString()).contains("scope");
    key("send");
    var list = api.get("/api/v1/api-keys", tenant.key());
    assertThat(list.body()).contains("\"scope\":\"send\"", "\"scope\":\"full\"");
  }

  @Test
  void a_key_made_before_scopes_is_full() {
    ApiKeys.CreatedApiKey old = keys.create(tenant.id(), "old", null);
    assertThat(old.key().scope()).isEqualTo(ApiScope.FULL);
    assertThat(createKey(old.token()).status()).isEqualTo(201);
  }

  @Test
  void a_scope_is_chosen_and_shown_on_the_api_keys_page() {
    var admin = fixtures.user(tenant.id(), eu.runlater.organizations.Role.ADMIN);
    eu.runlater.support.Browser browser = signIn(admin);
    var form = browser.get("/settings/api-keys");
    assertThat(form.body()).contains("name=\"scope\"", "value=\"read-only\"", "value=\"send\"");
    var created =
        browser.post(
            "/settings/api-keys", java.util.Map.of("name", "dashboards", "scope", "read-only"));
    assertThat(created.status()).isEqualTo(200);
    var m =
        java.util.regex.Pattern.compile("pk_live_[a-z2-7]{16}\\.sk_live_[A-Za-z0-9_-]{43}")
            .matcher(created.body());
    assertThat(m.find()).isTrue();
    String token = m.group();
    assertThat(read(token).status()).isEqualTo(200);
    refused(write(token), "read-only");
    assertThat(
            jdbc.sql(
                    "SELECT scope FROM api_keys WHERE organization_id = :o AND name = 'dashboards'")
                .param("o", tenant.id())
                .query(String.class)
                .single())
        .isEqualTo("read-only");
    assertThat(browser.get("/settings/api-keys").body()).containsPattern(">\\s*read-only\\s*<");
    var bad = browser.post("/settings/api-keys", java.util.Map.of("name", "x", "scope", "root"));
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.body()).contains("Choose full, read-only or send.");
  }
}
