package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Workflow definitions in YAML: saved with Content-Type application/yaml (create and new version),
 * read back with Accept application/yaml, started and run like a JSON one; problems name the same
 * fields as the JSON document's; anchors and aliases (an alias bomb), deep nesting, several
 * documents and broken YAML are refused with nothing saved; other endpoints take no YAML.
 */
class WorkflowYamlTest extends WorkflowApiTest {
  private static final String YAML = "application/yaml";

  private Api.Response sendYaml(String method, String path, String body) {
    return api.send(method, path, t.key(), YAML, body);
  }

  private Api.Response getAccepting(String path, String accept) {
    return api.send(
        api.request(path)
            .header("Authorization", "Bearer " + t.key())
            .header("Accept", accept)
            .GET());
  }

  private String definition(String key, String path) {
    return """
        key: %s
        name: Greet a customer
        input_schema:
          type: object
          required: [customer]
        steps:
          - name: hello
            kind: http
            url: "%s"
            method: POST
            body:
              to: "{{ input.customer }}"
          - name: done
            kind: sleep
            duration: 1s
            depends_on: [hello]
        """
        .formatted(key, target.url(path));
  }

  @Test
  void a_yaml_definition_is_saved_read_back_as_yaml_and_runs() throws Exception {
    var created = sendYaml("POST", "/api/v1/workflows", definition("greet", "/hello"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.contentType()).startsWith("application/json");
    assertThat(created.json().get("definition").get("steps").get(0).get("name").asString())
        .isEqualTo("hello");

    var asYaml = getAccepting("/api/v1/workflows/greet", YAML);
    assertThat(asYaml.status()).isEqualTo(200);
    assertThat(asYaml.contentType()).startsWith("application/yaml");
    assertThat(asYaml.body()).contains("key: greet").contains("current_version: 1");
    JsonNode back = new YAMLMapper().readTree(asYaml.body());
    assertThat(back.get("definition")).isEqualTo(created.json().get("definition"));

    var asJson =
        getAccepting("/api/v1/workflows/greet", "application/json, application/yaml;q=0.5");
    assertThat(asJson.contentType()).startsWith("application/json");
    assertThat(api.get("/api/v1/workflows/greet", t.key()).contentType())
        .startsWith("application/json");

    var saved = sendYaml("PUT", "/api/v1/workflows/greet", definition("greet", "/hello2"));
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    assertThat(saved.json().get("version").asInt()).isEqualTo(2);
    var savedAsYaml =
        api.send(
            api.request("/api/v1/workflows/greet")
                .header("Authorization", "Bearer " + t.key())
                .header("Content-Type", YAML)
                .header("Accept", YAML)
                .PUT(HttpRequest.BodyPublishers.ofString(definition("greet", "/hello3"))));
    assertThat(savedAsYaml.status()).isEqualTo(200);
    assertThat(savedAsYaml.body()).contains("version: 3");

    String run = startRun("greet", "{\"customer\": \"acme\"}");
    awaitState(run, "succeeded");
    assertThat(target.received().getFirst().path()).isEqualTo("/hello3");
  }

  @Test
  void problems_in_a_yaml_definition_name_the_same_fields_as_in_json() {
    String yaml =
        """
        key: broken
        steps:
          - name: a
            kind: http
            url: "%s"
          - name: b
            kind: condition
            expression: "input.x >"
            depends_on: [a, ghost]
        """
            .formatted(target.url("/a"));
    String json =
        """
        {"key": "broken", "steps": [
          {"name": "a", "kind": "http", "url": "%s"},
          {"name": "b", "kind": "condition", "expression": "input.x >", "depends_on": ["a", "ghost"]}]}"""
            .formatted(target.url("/a"));
    var fromYaml = sendYaml("POST", "/api/v1/workflows", yaml);
    var fromJson = api.post("/api/v1/workflows", t.key(), json);
    assertThat(fromYaml.status()).isEqualTo(422);
    assertThat(fromJson.status()).isEqualTo(422);
    assertThat(fromYaml.json().get("errors")).isEqualTo(fromJson.json().get("errors"));
    assertThat(fromYaml.json().get("errors").toString()).contains("steps.b.depends_on");
  }

  @Test
  void aliases_deep_nesting_several_documents_and_broken_yaml_are_refused() {
    String bomb =
        """
        a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        key: bomb
        steps: [*d]
        """;
    var refused = sendYaml("POST", "/api/v1/workflows", bomb);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("detail").asString()).contains("Anchors and aliases");

    String deep = "key: deep\nsteps: " + "[".repeat(200) + "]".repeat(200) + "\n";
    var tooDeep = sendYaml("POST", "/api/v1/workflows", deep);
    assertThat(tooDeep.status()).isEqualTo(400);

    var several =
        sendYaml(
            "POST",
            "/api/v1/workflows",
            definition("one", "/a") + "---\n" + definition("two", "/b"));
    assertThat(several.status()).isEqualTo(400);
    assertThat(several.json().get("detail").asString()).contains("several YAML documents");

    var broken = sendYaml("POST", "/api/v1/workflows", "key: [unclosed\nsteps: {");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().get("detail").asString()).contains("not valid YAML");

    var empty = sendYaml("POST", "/api/v1/workflows", "");
    assertThat(empty.status()).isEqualTo(400);

    var duplicate = sendYaml("POST", "/api/v1/workflows", definition("dup", "/a") + "key: other\n");
    assertThat(duplicate.status()).isEqualTo(400);

    assertThat(api.get("/api/v1/workflows", t.key()).json().get("data").size()).isZero();
  }

  @Test
  void other_endpoints_take_no_yaml() {
    var job =
        sendYaml(
            "POST",
            "/api/v1/jobs",
            "name: x\nurl: https://example.com/\nschedule: {type: once, delay: 1h}\n");
    assertThat(job.status()).isEqualTo(415);
  }
}
