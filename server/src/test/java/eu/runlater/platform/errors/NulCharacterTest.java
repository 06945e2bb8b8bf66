package eu.runlater.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchException;

import eu.runlater.organizations.Role;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PostgreSQL's text and jsonb cannot hold the NUL character (U+0000). Every JSON body the API
 * reads, sent with a NUL in each of its strings and member names in turn, is answered with a 4xx
 * problem naming the field, never a 500; the outgoing request bodies of jobs and messages, which
 * are stored as bytes, keep taking it.
 */
class NulCharacterTest extends ServerTest {
  /** Write operations with a JSON body that need no case here, and why. */
  private static final Map<String, String> NOT_COVERED =
      Map.of(
          "POST /api/v1/inbound-events/{id}/replay",
          "its only field, connection_id, is a UUID",
          "PATCH /api/v1/admin/organizations/{id}",
          "takes an admin key that only a signed-in superadmin can make (AdminTest); its one"
              + " field, tier, is checked against free and pro before anything is stored");

  /** Where a NUL is stored as it came: the body of an outgoing request is bytes. */
  private static final Set<String> BYTES =
      Set.of(
          "POST /api/v1/jobs body",
          "PUT /api/v1/jobs/key/{key} body",
          "PUT /api/v1/sync jobs.0.body",
          "POST /api/v1/queues/{name}/messages body",
          "POST /api/v1/topics/{name}/messages body",
          "POST /api/v1/messages/batch messages.0.body");

  private record Case(String method, String template, String path, String key, String body) {
    String operation() {
      return method + " " + template;
    }
  }

  private Sink target;
  private Fixtures.Tenant t;

  @BeforeEach
  void start() {
    target = Sink.start().respond(r -> Sink.Reply.status(200));
    t = fixtures.tenant();
  }

  @AfterEach
  void stop() {
    target.close();
  }

  @Test
  void a_nul_character_in_any_string_of_a_json_body_is_a_4xx_naming_the_field_never_a_500() {
    List<Case> cases = cases();
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      JsonNode valid = Api.JSON.readTree(c.body());
      for (Mutation m : mutations(valid)) {
        Api.Response r = api.send(c.method(), c.path(), c.key(), "application/json", m.body());
        String where = c.operation() + " " + m.field() + (m.name() ? " (a member name)" : "");
        String answer = r.status() + " " + r.body();
        if (BYTES.stream().anyMatch(b -> where.startsWith(b + ".") || where.equals(b))) {
          if (r.status() / 100 != 2) {
            failures.add(where + ": a body is bytes and takes a NUL, but got " + answer);
          }
        } else if (!refusesNaming(r, m.field()) && !refusesNaming(r, m.sent())) {
          failures.add(where + ": " + answer);
        }
      }
      Api.Response ok = api.send(c.method(), c.path(), c.key(), "application/json", c.body());
      if (ok.status() / 100 != 2) {
        failures.add(c.operation() + " with its valid body: " + ok);
      }
    }
    assertThat(failures).isEmpty();
    assertThat(jsonWrites())
        .as("every JSON write of the API has a case here or a reason in NOT_COVERED")
        .isEqualTo(covered(cases));
  }

  @Test
  void a_nul_character_in_a_yaml_workflow_definition_is_a_422_naming_the_field() {
    Api.Response r =
        api.send(
            "POST",
            "/api/v1/workflows",
            t.key(),
            "application/yaml",
            """
            key: yaml-nul
            name: "Ex\\0port"
            steps:
              - name: call
                kind: http
                url: "%s"
            """
                .formatted(target.url("/hook")));
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
    assertThat(r.json().get("errors").get(0).get("message").asString()).contains("NUL");
    assertThat(api.get("/api/v1/workflows/yaml-nul", t.key()).status()).isEqualTo(404);
  }

  @Test
  void a_query_parameter_holding_a_nul_character_is_a_422_not_a_500() {
    Api.Response r = api.get("/api/v1/jobs?q=a%00b", t.key());
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("detail").asString()).contains("NUL");
  }

  @Test
  void postgresql_refusing_a_nul_character_is_a_422_and_other_data_errors_stay_500s(
      @Autowired ProblemHandler handler, @Autowired JdbcClient jdbc) {
    var request = new MockHttpServletRequest("POST", "/api/v1/somewhere");
    Exception text =
        catchException(
            () -> jdbc.sql("SELECT CAST(:v AS text)").param("v", "a\u0000b").query().singleValue());
    Exception jsonb =
        catchException(
            () ->
                jdbc.sql("SELECT CAST(:v AS jsonb)")
                    .param("v", "{\"a\": \"\\u0000\"}")
                    .query()
                    .singleValue());
    for (Exception e : List.of(text, jsonb)) {
      var answer = handler.unexpected(e, request);
      assertThat(answer.getStatusCode().value()).as(String.valueOf(e)).isEqualTo(422);
      assertThat(answer.getBody().getDetail()).contains("NUL");
    }
    Exception other =
        catchException(() -> jdbc.sql("SELECT CAST('x' AS int)").query().singleValue());
    assertThat(handler.unexpected(other, request).getStatusCode().value()).isEqualTo(500);
  }

  /** The operations the OpenAPI document lists as writes with a JSON body under /api/v1. */
  private Set<String> jsonWrites() {
    JsonNode paths = api.get("/v3/api-docs", null).json().get("paths");
    Set<String> writes = new TreeSet<>();
    for (var path : paths.properties()) {
      if (!path.getKey().startsWith("/api/v1/")) {
        continue;
      }
      for (String method : List.of("post", "put", "patch")) {
        JsonNode body = path.getValue().path(method).path("requestBody").path("content");
        if (body.has("application/json")) {
          writes.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return writes;
  }

  private static Set<String> covered(List<Case> cases) {
    Set<String> covered = new TreeSet<>(NOT_COVERED.keySet());
    cases.forEach(c -> covered.add(c.operation()));
    return covered;
  }

  /** A 400 or 422 problem that names the field (or a parent of it) or says a NUL is refused. */
  private static boolean refusesNaming(Api.Response r, String field) {
    if ((r.status() != 400 && r.status() != 422)
        || !r.contentType().startsWith("application/problem+json")) {
      return false;
    }
    JsonNode problem = r.json();
    if (text(problem.path("detail")).contains("NUL")) {
      return true;
    }
    for (JsonNode e : problem.path("errors")) {
      String named = text(e.path("field"));
      if (text(e.path("message")).contains("NUL")
          || named.equals(field)
          || !named.isEmpty() && field.startsWith(named + ".")) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode n) {
    return n.isString() ? n.asString() : "";
  }

  private record Mutation(String field, boolean name, String body) {
    /** The field as the request spells it: a member name with its NUL. */
    String sent() {
      int last = field.lastIndexOf('.') + 1;
      return name ? field.substring(0, last) + withNul(field.substring(last)) : field;
    }
  }

  /** The valid body with a NUL put into one string or member name at a time. */
  private static List<Mutation> mutations(JsonNode valid) {
    List<Mutation> out = new ArrayList<>();
    collect(valid, valid, "", out);
    return out;
  }

  private static void collect(JsonNode root, JsonNode node, String at, List<Mutation> out) {
    if (node.isString()) {
      out.add(new Mutation(at, false, replaced(root, at, withNul(node.asString()), null)));
    } else if (node.isObject()) {
      for (var member : node.properties()) {
        String child = at.isEmpty() ? member.getKey() : at + "." + member.getKey();
        out.add(new Mutation(child, true, replaced(root, child, null, withNul(member.getKey()))));
        collect(root, member.getValue(), child, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(root, node.get(i), at.isEmpty() ? "" + i : at + "." + i, out);
      }
    }
  }

  /** In the middle, where no trimming takes it away. */
  private static String withNul(String s) {
    int middle = (s.length() + 1) / 2;
    return s.substring(0, middle) + "\u0000" + s.substring(middle);
  }

  /** A copy of {@code root} whose member at {@code at} has the value or the name given. */
  private static String replaced(JsonNode root, String at, String value, String name) {
    JsonNode copy = root.deepCopy();
    String[] parts = at.split("\\.");
    JsonNode parent = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = parent.isArray() ? parent.get(Integer.parseInt(parts[i])) : parent.get(parts[i]);
    }
    String last = parts[parts.length - 1];
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else if (name == null) {
      ((ObjectNode) parent).put(last, value);
    } else {
      ObjectNode object = (ObjectNode) parent;
      ObjectNode renamed = object.objectNode();
      object
          .properties()
          .forEach(e -> renamed.set(e.getKey().equals(last) ? name : e.getKey(), e.getValue()));
      object.removeAll();
      object.setAll(renamed);
    }
    return copy.toString();
  }

  private JsonNode created(String path, String body) {
    return created(path, t.key(), body);
  }

  private JsonNode created(String path, String key, String body) {
    Api.Response r = api.post(path, key, body);
    assertThat(r.status()).as(path + " " + r).isIn(200, 201, 202);
    return r.json();
  }

  private Case c(String method, String template, String path, String body) {
    return new Case(method, template, path, t.key(), body);
  }

  private Case c(String method, String path, String body) {
    return c(method, path, path, body);
  }

  private List<Case> cases() {
    String url = target.url("/hook");
    String job =
        """
        {"name": "Nightly export", "url": "%s", "method": "POST", "headers": {"X-Env": "prod"},
         "body": {"order": "o-1"}, "timeout_ms": 5000,
         "schedule": {"type": "cron", "expression": "0 3 * * *", "timezone": "Europe/Oslo"}}"""
            .formatted(url);
    String jobId = created("/api/v1/jobs", job).get("id").asString();
    String message =
        """
        {"url": "%s", "method": "POST", "headers": {"X-Env": "prod"}, "body": {"order": "o-1"},
         "delay": "1h", "dedup_id": "d-1", "ordering_key": "customer-1"}"""
            .formatted(url);
    assertThat(api.put("/api/v1/queues/nul", t.key(), "{}").status()).isIn(200, 201);
    assertThat(
            api.put("/api/v1/topics/nul", t.key(), "{\"endpoints\": [{\"url\": \"" + url + "\"}]}")
                .status())
        .isIn(200, 201);

    JsonNode source = created("/api/v1/sources", "{\"name\": \"orders\"}");
    String sourceId = source.get("id").asString();
    String connectionId =
        created(
                "/api/v1/connections",
                "{\"source_id\": \"%s\", \"name\": \"to target\", \"destination_url\": \"%s\"}"
                    .formatted(sourceId, url))
            .get("id")
            .asString();

    String page =
        """
        {"slug": "nul-%s", "title": "Acme status", "description": "How Acme runs",
         "components": [{"group": "Core", "name": "API", "kind": "manual"}]}"""
            .formatted(t.id().toString().substring(0, 8));
    JsonNode statusPage = created("/api/v1/status-pages", page);
    String pageId = statusPage.get("id").asString();
    String componentId = statusPage.get("components").get(0).get("id").asString();
    String incidentId = created("/api/v1/incidents", "{\"title\": \"Down\"}").get("id").asString();

    String window =
        """
        {"name": "backups", "cron": "30 2 * * *", "time_zone": "Europe/Oslo",
         "duration_seconds": 3600}""";
    String windowId = created("/api/v1/maintenance-windows", window).get("id").asString();
    String channel =
        """
        {"name": "hook", "kind": "webhook",
         "settings": {"url": "https://example.com/alerts", "headers": {"X-Env": "prod"}}}""";
    String channelId =
        created("/api/v1/alert-channels", channel.replace("\"hook\"", "\"pager\""))
            .get("id")
            .asString();
    String monitorId =
        created("/api/v1/monitors", "{\"name\": \"backup\", \"period\": \"1h\"}")
            .get("id")
            .asString();

    String step =
        """
        {"name": "call", "kind": "http", "url": "%s", "method": "POST",
         "headers": {"X-Env": "prod"}, "body": {"order": "{{ input.order }}"}}"""
            .formatted(url);
    created(
        "/api/v1/workflows",
        "{\"key\": \"approvals\", \"steps\": [{\"name\": \"ok\", \"kind\": \"approval\","
            + " \"assignees\": {\"roles\": [\"member\"]}, \"timeout\": \"1h\"}]}");
    var alice = fixtures.user(t.id(), Role.MEMBER);
    var bob = fixtures.user(t.id(), Role.MEMBER);
    String approve = waitingApproval();
    String reject = waitingApproval();
    String delegate = waitingApproval();
    String runStep = "/api/v1/workflow-runs/{id}/steps/{step}";

    Fixtures.Tenant syncing = fixtures.tenant();
    String ruleBody =
        """
        {"trigger": "failure_rate", "failure_rate_percent": 20,
         "muted_until": "2031-01-01T00:00:00Z"}""";
    return List.of(
        c("POST", "/api/v1/jobs", job),
        c("PUT", "/api/v1/jobs/key/{key}", "/api/v1/jobs/key/nightly", job),
        c(
            "PATCH",
            "/api/v1/jobs/{id}",
            "/api/v1/jobs/" + jobId,
            "{\"name\": \"Renamed\", \"headers\": {\"X-Env\": \"stage\"}}"),
        new Case(
            "PUT",
            "/api/v1/sync",
            "/api/v1/sync",
            syncing.key(),
            "{\"jobs\": [" + job.replace("{\"name\"", "{\"key\": \"export\", \"name\"") + "]}"),
        c(
            "PUT",
            "/api/v1/queues/{name}",
            "/api/v1/queues/nul",
            "{\"rate\": {\"limit\": 10, \"per\": \"second\"}}"),
        c("POST", "/api/v1/queues/{name}/messages", "/api/v1/queues/nul/messages", message),
        c(
            "PUT",
            "/api/v1/topics/{name}",
            "/api/v1/topics/nul",
            "{\"endpoints\": [{\"url\": \"%s\", \"headers\": {\"X-Endpoint\": \"a\"}}]}"
                .formatted(url)),
        c(
            "POST",
            "/api/v1/topics/{name}/messages",
            "/api/v1/topics/nul/messages",
            "{\"headers\": {\"X-Env\": \"prod\"}, \"body\": {\"order\": \"o-1\"}}"),
        c(
            "POST",
            "/api/v1/messages/batch",
            "{\"messages\": ["
                + message.replace("{\"url\"", "{\"queue\": \"nul\", \"url\"")
                + "]}"),
        c(
            "POST",
            "/api/v1/dlq/redrive",
            "{\"filter\": {\"queue\": \"nul\", \"from\": \"2026-01-01T00:00:00Z\","
                + " \"url_prefix\": \"https://example.com/\"}, \"dry_run\": true}"),
        c(
            "POST",
            "/api/v1/cron/preview",
            "{\"expression\": \"0 3 * * *\", \"timezone\": \"Europe/Oslo\", \"count\": 2,"
                + " \"from\": \"2026-01-01T00:00:00Z\"}"),
        c("POST", "/api/v1/api-keys", "{\"name\": \"ci\", \"scope\": \"send\"}"),
        c(
            "POST",
            "/api/v1/sources",
            """
            {"name": "stripe", "verification": {"type": "api_key", "header": "X-Hook-Key",
             "secret": "k1"}, "dedup": {"header": "X-Delivery"},
             "response": {"status": 200, "body": "<ok/>", "content_type": "application/xml"}}"""),
        c(
            "PATCH",
            "/api/v1/sources/{id}",
            "/api/v1/sources/" + sourceId,
            "{\"name\": \"renamed\", \"dedup\": {\"json_path\": \"data.id\"}}"),
        c(
            "POST",
            "/api/v1/connections",
            """
            {"source_id": "%s", "name": "paid", "destination_url": "%s", "method": "PUT",
             "filter": "body.type == 'invoice.paid'", "transform": "{'body': {'kind': body.type}}",
             "rate": {"limit": 10, "per": "second"}}"""
                .formatted(sourceId, url)),
        c(
            "PATCH",
            "/api/v1/connections/{id}",
            "/api/v1/connections/" + connectionId,
            "{\"name\": \"renamed\", \"filter\": \"body.type == 'x'\"}"),
        c(
            "POST",
            "/api/v1/inbound-events/replay",
            "{\"filter\": {\"source_id\": \"%s\", \"since\": \"2026-01-01T00:00:00Z\", \"q\":"
                    .formatted(sourceId)
                + " \"order\"}, \"dry_run\": true}"),
        c("POST", "/api/v1/status-pages", page.replace("\"nul-", "\"other-")),
        c(
            "PATCH",
            "/api/v1/status-pages/{id}/components/{componentId}",
            "/api/v1/status-pages/" + pageId + "/components/" + componentId,
            "{\"manual_state\": \"degraded\"}"),
        c("PUT", "/api/v1/status-pages/{id}", "/api/v1/status-pages/" + pageId, page),
        c(
            "POST",
            "/api/v1/incidents",
            "{\"title\": \"Slow API\", \"impact\": \"major\", \"message\": \"Requests are slow.\"}"),
        c(
            "POST",
            "/api/v1/incidents/{id}/updates",
            "/api/v1/incidents/" + incidentId + "/updates",
            "{\"status\": \"identified\", \"message\": \"Found it.\"}"),
        c("PATCH", "/api/v1/organization", "{\"name\": \"Acme\"}"),
        c("POST", "/api/v1/maintenance-windows", window),
        c(
            "PUT",
            "/api/v1/maintenance-windows/{id}",
            "/api/v1/maintenance-windows/" + windowId,
            window),
        c("PUT", "/api/v1/alert-rules/default", ruleBody),
        c(
            "PUT",
            "/api/v1/alert-rules/{kind}/{reference}",
            "/api/v1/alert-rules/jobs/" + jobId,
            ruleBody),
        c("POST", "/api/v1/alert-channels", channel),
        c(
            "PATCH",
            "/api/v1/alert-channels/{id}",
            "/api/v1/alert-channels/" + channelId,
            channel.replace("\"hook\"", "\"pager\"")),
        c(
            "POST",
            "/api/v1/monitors",
            """
            {"name": "site", "kind": "http", "url": "https://example.com/health", "method": "POST",
             "headers": {"X-Env": "prod"}, "body": "ping", "keyword": "ok", "interval": "5m",
             "tags": ["web"]}"""),
        c(
            "PATCH",
            "/api/v1/monitors/{id}",
            "/api/v1/monitors/" + monitorId,
            "{\"name\": \"renamed\", \"tags\": [\"ops\"], \"grace\": \"5m\"}"),
        c(
            "POST",
            "/api/v1/workflows",
            "{\"key\": \"export\", \"name\": \"Export\", \"steps\": [" + step + "]}"),
        c(
            "PUT",
            "/api/v1/workflows/{key}",
            "/api/v1/workflows/export",
            "{\"name\": \"Export\", \"steps\": [" + step + "]}"),
        c(
            "POST",
            "/api/v1/workflows/{key}/runs",
            "/api/v1/workflows/export/runs",
            "{\"input\": {\"order\": \"o-1\", \"lines\": [{\"sku\": \"a\"}]}}"),
        c(
            "POST",
            "/api/v1/events",
            "{\"name\": \"order.paid\", \"payload\": {\"order\": \"o-1\"}}"),
        c(
            "POST",
            runStep + "/approve",
            "/api/v1/workflow-runs/" + approve + "/steps/ok/approve",
            "{\"by\": \"%s\", \"comment\": \"fine by me\"}".formatted(alice.email())),
        c(
            "POST",
            runStep + "/reject",
            "/api/v1/workflow-runs/" + reject + "/steps/ok/reject",
            "{\"by\": \"%s\", \"comment\": \"too much\"}".formatted(alice.email())),
        c(
            "POST",
            runStep + "/delegate",
            "/api/v1/workflow-runs/" + delegate + "/steps/ok/delegate",
            "{\"by\": \"%s\", \"to\": \"%s\", \"comment\": \"over to you\"}"
                .formatted(alice.email(), bob.email())));
  }

  /** A run of the approvals workflow, waiting at its approval step. */
  private String waitingApproval() {
    String run =
        created("/api/v1/workflows/approvals/runs", "{\"input\": {}}").get("id").asString();
    Sink.await(
        Duration.ofSeconds(30),
        "run " + run + " to wait for its approval",
        () ->
            api.get("/api/v1/workflow-runs/" + run, t.key())
                .json()
                .path("steps")
                .path(0)
                .path("state")
                .asString()
                .equals("running"));
    return run;
  }
}
