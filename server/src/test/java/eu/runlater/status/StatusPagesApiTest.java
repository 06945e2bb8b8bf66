package eu.runlater.status;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Tier;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /api/v1/status-pages over HTTP. */
class StatusPagesApiTest extends ServerTest {
  Fixtures.Tenant tenant;

  @BeforeEach
  void setUp() {
    tenant = fixtures.tenant(Tier.PRO);
  }

  static java.util.List<String> fields(Api.Response r) {
    java.util.List<String> fields = new java.util.ArrayList<>();
    r.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    return fields;
  }

  static String page(String slug, String components) {
    return "{\"slug\": \"%s\", \"title\": \"Acme status\", \"description\": \"How Acme runs\","
            .formatted(slug)
        + " \"components\": ["
        + components
        + "]}";
  }

  static final String MANUAL =
      "{\"group\": \"Core\", \"name\": \"API\", \"kind\": \"manual\"},"
          + " {\"group\": \"Core\", \"name\": \"Website\"}";

  @Test
  void a_page_is_created_read_listed_replaced_and_deleted_with_its_components() {
    Api.Response created = api.post("/api/v1/status-pages", tenant.key(), page("acme", MANUAL));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().path("id").asString();
    assertThat(created.headers().firstValue("location")).hasValue("/api/v1/status-pages/" + id);
    assertThat(created.json().path("url").asString()).endsWith("/status/acme");
    assertThat(created.json().path("components").size()).isEqualTo(2);
    assertThat(created.json().path("components").get(1).path("manual_state").asString())
        .isEqualTo("operational");
    String apiId = created.json().path("components").get(0).path("id").asString();

    Api.Response list = api.get("/api/v1/status-pages", tenant.key());
    assertThat(list.json().path("data").size()).isEqualTo(1);

    // Keep the API component by its id, drop the website, add a database.
    Api.Response replaced =
        api.put(
            "/api/v1/status-pages/" + id,
            tenant.key(),
            page(
                "acme-2",
                "{\"id\": \"%s\", \"group\": \"Core\", \"name\": \"Public API\"},".formatted(apiId)
                    + " {\"name\": \"Database\", \"manual_state\": \"degraded\"}"));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.json().path("slug").asString()).isEqualTo("acme-2");
    assertThat(replaced.json().path("components").get(0).path("id").asString()).isEqualTo(apiId);
    assertThat(replaced.json().path("components").get(0).path("name").asString())
        .isEqualTo("Public API");
    assertThat(replaced.json().path("components").get(1).path("manual_state").asString())
        .isEqualTo("degraded");

    Api.Response state =
        api.patch(
            "/api/v1/status-pages/" + id + "/components/" + apiId,
            tenant.key(),
            "{\"manual_state\": \"major_outage\"}");
    assertThat(state.status()).as(state.toString()).isEqualTo(200);
    assertThat(state.json().path("components").get(0).path("manual_state").asString())
        .isEqualTo("major_outage");

    assertThat(api.delete("/api/v1/status-pages/" + id, tenant.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/status-pages/" + id, tenant.key()).status()).isEqualTo(404);
  }

  @Test
  void a_slug_or_host_another_page_has_is_a_409_even_across_organizations() {
    Api.Response first =
        api.post(
            "/api/v1/status-pages",
            tenant.key(),
            "{\"slug\": \"taken\", \"title\": \"A\", \"custom_host\": \"status.example.com\"}");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    Fixtures.Tenant other = fixtures.tenant(Tier.PRO);
    Api.Response slug =
        api.post("/api/v1/status-pages", other.key(), "{\"slug\": \"taken\", \"title\": \"B\"}");
    assertThat(slug.status()).as(slug.toString()).isEqualTo(409);
    assertThat(slug.contentType()).startsWith("application/problem+json");
    assertThat(slug.json().path("detail").asString()).contains("/status/taken");
    Api.Response host =
        api.post(
            "/api/v1/status-pages",
            other.key(),
            "{\"slug\": \"other\", \"title\": \"B\", \"custom_host\": \"Status.Example.com.\"}");
    assertThat(host.status()).as(host.toString()).isEqualTo(409);
    Api.Response reserved =
        api.post("/api/v1/status-pages", other.key(), "{\"slug\": \"instance\", \"title\": \"B\"}");
    assertThat(reserved.status()).as(reserved.toString()).isEqualTo(422);
    assertThat(fields(reserved)).containsExactly("slug");
    assertThat(api.get("/api/v1/status-pages", other.key()).json().path("data").size()).isZero();
  }

  @Test
  void bad_pages_are_422_naming_every_field_and_change_nothing() {
    Api.Response r =
        api.post(
            "/api/v1/status-pages",
            tenant.key(),
            "{\"slug\": \"Not A Slug\", \"title\": \"\", \"custom_host\": \"https://x.com/a\","
                + " \"components\": [{\"name\": \"\", \"kind\": \"robot\"},"
                + " {\"name\": \"Nightly\", \"kind\": \"job\", \"subject_id\": \"%s\"},"
                    .formatted(java.util.UUID.randomUUID())
                + " {\"name\": \"x\", \"manual_state\": \"on fire\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(fields(r))
        .containsExactlyInAnyOrder(
            "slug",
            "title",
            "custom_host",
            "components[0].name",
            "components[0].kind",
            "components[1].subject",
            "components[2].manual_state");
    assertThat(api.get("/api/v1/status-pages", tenant.key()).json().path("data").size()).isZero();
  }

  @Test
  void the_free_tier_has_one_page() {
    Fixtures.Tenant free = fixtures.tenant(Tier.FREE);
    assertThat(
            api.post("/api/v1/status-pages", free.key(), "{\"slug\": \"free-1\", \"title\": \"A\"}")
                .status())
        .isEqualTo(201);
    Api.Response second =
        api.post("/api/v1/status-pages", free.key(), "{\"slug\": \"free-2\", \"title\": \"B\"}");
    assertThat(second.status()).as(second.toString()).isEqualTo(403);
    assertThat(second.json().path("type").asString()).endsWith("cap-status-pages");
    assertThat(second.json().path("detail").asString()).contains("free tier allows 1 status page");
  }

  @Test
  void another_organizations_page_is_not_found() {
    String id =
        api.post("/api/v1/status-pages", tenant.key(), page("mine", MANUAL))
            .json()
            .path("id")
            .asString();
    Fixtures.Tenant other = fixtures.tenant();
    assertThat(api.get("/api/v1/status-pages/" + id, other.key()).status()).isEqualTo(404);
    assertThat(api.put("/api/v1/status-pages/" + id, other.key(), page("mine", MANUAL)).status())
        .isEqualTo(404);
    assertThat(api.delete("/api/v1/status-pages/" + id, other.key()).status()).isEqualTo(404);
  }
}
