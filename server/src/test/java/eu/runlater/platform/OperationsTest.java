package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

class OperationsTest extends ServerTest {
  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void prometheus_metrics_are_served_with_the_metrics_token() {
    var tenant = fixtures.tenant();
    var response = api.get("/actuator/prometheus", METRICS_TOKEN);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).contains("jvm_memory_used_bytes");
    // Tenants appear by opaque id at most (QueueMetricsTest checks the queue series).
    assertThat(response.body()).doesNotContain(tenant.organization().slug());
  }

  @Test
  void prometheus_metrics_are_refused_without_the_metrics_token() {
    var tenant = fixtures.tenant();
    for (String credential :
        new String[] {null, "wrong-" + METRICS_TOKEN, METRICS_TOKEN + "x", tenant.key()}) {
      var response = api.get("/actuator/prometheus", credential);
      assertThat(response.status()).as("with %s", credential).isEqualTo(401);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(response.body()).doesNotContain("jvm_memory_used_bytes");
    }
    assertThat(api.get("/actuator", null).status()).isEqualTo(401);
  }

  @Test
  void the_openapi_document_lists_every_api_and_public_endpoint() {
    var doc = api.get("/v3/api-docs", null);
    assertThat(doc.status()).isEqualTo(200);
    var paths = doc.json().get("paths");

    Set<String> expected = new HashSet<>();
    mappings
        .getHandlerMethods()
        .forEach(
            (info, method) -> {
              for (String pattern : info.getPatternValues()) {
                boolean open =
                    pattern.startsWith("/ping/")
                        || pattern.startsWith("/badge/")
                        || pattern.equals("/status")
                        || pattern.startsWith("/status/")
                        || pattern.startsWith("/in/");
                if ((pattern.startsWith("/api/") || open) && !pattern.contains("test-only")) {
                  info.getMethodsCondition()
                      .getMethods()
                      .forEach(m -> expected.add(m.name().toLowerCase() + " " + pattern));
                }
              }
            });
    assertThat(expected).isNotEmpty();
    for (String endpoint : expected) {
      String[] parts = endpoint.split(" ", 2);
      assertThat(paths.has(parts[1])).as("OpenAPI lists %s", parts[1]).isTrue();
      assertThat(paths.get(parts[1]).has(parts[0])).as("OpenAPI lists %s", endpoint).isTrue();
    }
  }

  @Test
  void the_openapi_schemas_name_properties_as_the_api_does_in_snake_case() {
    var schemas = api.get("/v3/api-docs", null).json().get("components").get("schemas");

    List<String> camel = new ArrayList<>();
    schemas
        .properties()
        .forEach(
            schema -> {
              var properties = schema.getValue().get("properties");
              if (properties != null) {
                properties
                    .propertyNames()
                    .forEach(
                        name -> {
                          if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                            camel.add(schema.getKey() + "." + name);
                          }
                        });
              }
            });
    assertThat(camel).isEmpty();
    assertThat(schemas.get("JobInput").get("properties").has("timeout_ms")).isTrue();
    // A free-form body is any JSON value, not Jackson's JsonNode with its getters.
    assertThat(schemas.has("JsonNode")).isFalse();
  }

  @Test
  void swagger_ui_is_served() {
    var response = api.get("/swagger-ui/index.html", null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).containsIgnoringCase("swagger");
  }
}
