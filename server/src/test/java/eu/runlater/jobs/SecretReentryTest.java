package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Header;
import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A stored secret header or body goes to a new origin only when its value is given again. */
class SecretReentryTest extends ServerTest {
  @Autowired JobCommands jobs;
  @Autowired JobReads reads;

  private Fixtures.Tenant tenant;

  @BeforeEach
  void tenant() {
    tenant = fixtures.tenant();
  }

  private String create(String extra) {
    var r =
        api.post(
            "/api/v1/jobs",
            tenant.key(),
            """
            {"name": "billing", "key": "billing", "url": "https://api.example.com/charge",
             "method": "POST", "headers": {"Authorization": "Bearer stored", "X-Plain": "p"},
             "schedule": {"type": "cron", "expression": "0 0 1 1 *"}%s}
            """
                .formatted(extra));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  private Job job(String id) {
    return reads.get(tenant.id(), UUID.fromString(id));
  }

  private String header(String id, String name) {
    return reads.draftOf(job(id)).headers().stream()
        .filter(h -> h.name().equalsIgnoreCase(name))
        .map(Header::value)
        .findFirst()
        .orElse(null);
  }

  private static List<String> fields(Api.Response r) {
    List<String> fields = new java.util.ArrayList<>();
    for (JsonNode e : r.json().get("errors")) {
      fields.add(e.get("field").asString());
    }
    return fields;
  }

  private void refused(Api.Response r, String... fields) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("type").asString()).endsWith("secret-reentry-required");
    assertThat(fields(r)).containsExactlyInAnyOrder(fields);
    assertThat(r.body()).doesNotContain("Bearer stored");
  }

  @Test
  void
      a_patch_to_another_host_port_or_scheme_keeping_a_stored_secret_is_refused_and_changes_nothing() {
    String id = create(", \"secret_headers\": [\"X-Plain\"]");
    for (String url :
        List.of(
            "https://attacker.example.net/charge",
            "https://api.example.com:8443/charge",
            "http://api.example.com/charge")) {
      refused(
          api.patch("/api/v1/jobs/" + id, tenant.key(), "{\"url\": \"" + url + "\"}"),
          "headers.Authorization",
          "headers.X-Plain");
    }
    assertThat(job(id).request().url()).isEqualTo("https://api.example.com/charge");
    // Giving one of the two again is not enough.
    refused(
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            """
            {"url": "https://other.example.org/", "headers": {"Authorization": "Bearer new"}}
            """),
        "headers.X-Plain");
    assertThat(header(id, "Authorization")).isEqualTo("Bearer stored");
  }

  @Test
  void a_patch_within_the_origin_keeps_the_secrets() {
    String id = create("");
    var r =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            "{\"url\": \"HTTPS://API.example.com:443/v2/charge?x=1\", \"name\": \"moved\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(header(id, "Authorization")).isEqualTo("Bearer stored");
  }

  @Test
  void a_patch_to_a_new_origin_that_gives_or_removes_the_secrets_is_accepted() {
    String id = create("");
    var given =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            """
            {"url": "https://new.example.org/charge", "headers": {"Authorization": "Bearer new"}}
            """);
    assertThat(given.status()).as(given.body()).isEqualTo(200);
    assertThat(header(id, "Authorization")).isEqualTo("Bearer new");
    assertThat(header(id, "X-Plain")).isEqualTo("p");

    var removed =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            """
            {"url": "https://third.example.org/", "headers": {"Authorization": null}}
            """);
    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(header(id, "Authorization")).isNull();
  }

  @Test
  void a_stored_secret_body_must_be_given_again_for_a_new_origin() {
    String id = create(", \"body\": {\"card\": \"4242\"}, \"secret_body\": true");
    refused(
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            """
            {"url": "https://new.example.org/", "headers": {"Authorization": "Bearer new"}}
            """),
        "body");
    var given =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            """
            {"url": "https://new.example.org/", "headers": {"Authorization": "Bearer new"},
             "body": {"card": "0000"}}
            """);
    assertThat(given.status()).as(given.body()).isEqualTo(200);
  }

  @Test
  void a_put_and_a_sync_carry_no_stored_secret_to_a_new_origin() {
    String id = create("");
    // PUT gives the whole job: a header it leaves out is gone, not carried over.
    var put =
        api.put(
            "/api/v1/jobs/key/billing",
            tenant.key(),
            """
            {"name": "billing", "url": "https://new.example.org/charge",
             "schedule": {"type": "cron", "expression": "0 0 1 1 *"}}
            """);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(job(id).request().url()).isEqualTo("https://new.example.org/charge");
    assertThat(header(id, "Authorization")).isNull();
    assertThat(job(id).request().sealedHeaders()).isNull();

    // A sync document likewise: the secret it sends is the one entered, nothing else goes along.
    var synced =
        api.put(
            "/api/v1/sync",
            tenant.key(),
            """
            {"jobs": [{"key": "billing", "name": "billing", "url": "https://third.example.org/",
              "headers": {"X-Api-Key": "entered"},
              "schedule": {"type": "cron", "expression": "0 0 1 1 *"}}]}
            """);
    assertThat(synced.status()).as(synced.body()).isEqualTo(200);
    assertThat(reads.draftOf(job(id)).headers())
        .extracting(Header::name)
        .contains("X-Api-Key")
        .doesNotContain("Authorization");
    assertThat(header(id, "X-Api-Key")).isEqualTo("entered");
  }

  @Test
  void the_form_refuses_a_new_origin_with_masked_secrets_and_names_the_header() {
    String id = create("");
    Browser browser = signIn(fixtures.user(tenant.id(), Role.MEMBER));
    browser.get("/jobs/" + id + "/edit");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", "billing");
    form.put("key", "billing");
    form.put("scheduleType", "cron");
    form.put("cron", "0 0 1 1 *");
    form.put("timezone", "UTC");
    form.put("at", "");
    form.put("method", "POST");
    form.put("url", "https://attacker.example.net/charge");
    form.put("headerName", "Authorization");
    form.put("headerValue", "••••••");
    form.put("body", "");
    form.put("bodyFormat", "json");
    form.put("timeoutSeconds", "30");
    form.put("retries", "");
    form.put("catchUp", "latest");
    form.put("overlap", "allow");
    form.put("enabled", "true");

    var refused = browser.post("/jobs/" + id, form);
    assertThat(refused.status()).isEqualTo(200);
    assertThat(refused.body())
        .contains("Header “Authorization” holds a stored secret")
        .doesNotContain("Bearer stored");
    assertThat(job(id).request().url()).isEqualTo("https://api.example.com/charge");

    form.put("url", "https://api.example.com/other-path");
    var samePlace = browser.post("/jobs/" + id, form);
    assertThat(samePlace.status()).isEqualTo(302);
    assertThat(header(id, "Authorization")).isEqualTo("Bearer stored");

    form.put("url", "https://attacker.example.net/charge");
    form.put("headerValue", "Bearer typed-again");
    var retyped = browser.post("/jobs/" + id, form);
    assertThat(retyped.status()).isEqualTo(302);
    assertThat(header(id, "Authorization")).isEqualTo("Bearer typed-again");
  }

  @Test
  void a_patch_cannot_turn_a_stored_secret_plain_without_giving_it_again() {
    String id =
        create(
            ", \"secret_headers\": [\"X-Plain\"], \"body\": \"card=4242\", \"secret_body\": true");
    var header = api.patch("/api/v1/jobs/" + id, tenant.key(), "{\"secret_headers\": []}");
    assertThat(header.status()).as(header.body()).isEqualTo(422);
    assertThat(fields(header)).containsExactly("secret_headers");
    var body = api.patch("/api/v1/jobs/" + id, tenant.key(), "{\"secret_body\": false}");
    assertThat(body.status()).as(body.body()).isEqualTo(422);
    assertThat(fields(body)).containsExactly("secret_body");
    assertThat(api.get("/api/v1/jobs/" + id, tenant.key()).body())
        .doesNotContain("card=4242")
        .doesNotContain("\"p\"");

    var given =
        api.patch(
            "/api/v1/jobs/" + id,
            tenant.key(),
            "{\"secret_headers\": [], \"headers\": {\"X-Plain\": \"now plain\"},"
                + " \"secret_body\": false, \"body\": \"public\"}");
    assertThat(given.status()).as(given.body()).isEqualTo(200);
    assertThat(given.body()).contains("now plain", "public");
  }
}
