package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_ARCHIVE;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_GET;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_INSERT;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_LIST;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_LOCK_BY_KEY;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_NEW_VERSION;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_VERSION_INSERT;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.Rows;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Saves definitions: a new key is version 1; saving an existing key makes the next version (runs
 * under way keep theirs); deleting archives. Every document is checked by {@link DefinitionParser}
 * first, so a 422 changes nothing.
 */
@Component
class WorkflowCommands {
  static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final JdbcClient db;
  private final DefinitionParser parser;
  private final JsonMapper json;
  private final InstantSource clock;
  private final SecretBox secrets;

  WorkflowCommands(
      JdbcClient db,
      DefinitionParser parser,
      JsonMapper json,
      InstantSource clock,
      SecretBox secrets) {
    this.db = db;
    this.parser = parser;
    this.json = json;
    this.clock = clock;
    this.secrets = secrets;
  }

  record Row(
      UUID id,
      String key,
      String name,
      int currentVersion,
      Instant archivedAt,
      Instant createdAt,
      Instant updatedAt,
      int version,
      String definition) {
    static Row of(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
      return new Row(
          rs.getObject("id", UUID.class),
          rs.getString("key"),
          rs.getString("name"),
          rs.getInt("current_version"),
          SqlTime.instant(rs, "archived_at"),
          SqlTime.instant(rs, "created_at"),
          SqlTime.instant(rs, "updated_at"),
          rs.getInt("version"),
          rs.getString("definition"));
    }
  }

  static String checkKey(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw ApiProblem.invalid(
          "key", "is required: lower-case letters, digits, - and _, at most 64, e.g. onboarding");
    }
    return key;
  }

  /** Creates version 1; 409 when the key exists (save it with PUT for a new version). */
  @Transactional
  WorkflowView create(UUID org, JsonNode doc) {
    String key = checkKey(doc != null && doc.get("key") != null ? doc.get("key").asString() : null);
    WorkflowDefinition d = parser.parse(doc, key);
    checkSubWorkflows(org, key, d);
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    int inserted =
        db.sql(WORKFLOW_INSERT)
            .param("id", id)
            .param("organization_id", org)
            .param("key", key)
            .param("name", d.name())
            .param("now", SqlTime.ts(now))
            .update();
    if (inserted == 0) {
      throw ApiProblem.conflict(
          "workflow-exists",
          "A workflow with key '"
              + key
              + "' exists; PUT /api/v1/workflows/"
              + key
              + " saves a new version of it.");
    }
    insertVersion(id, 1, stored(doc, d, null), now);
    return get(org, key, null);
  }

  /** Saves a new version (or version 1 of a new key); an archived workflow comes back. */
  @Transactional
  WorkflowView save(UUID org, String key, JsonNode doc) {
    checkKey(key);
    if (doc != null
        && doc.isObject()
        && doc.get("key") != null
        && !key.equals(doc.get("key").asString())) {
      throw ApiProblem.invalid("key", "must be the key in the path, '" + key + "', or left out");
    }
    WorkflowDefinition d = parser.parse(doc, key);
    checkSubWorkflows(org, key, d);
    Instant now = clock.instant();
    record Locked(UUID id, int version, Instant archivedAt) {}
    Optional<Locked> locked =
        db.sql(WORKFLOW_LOCK_BY_KEY)
            .param("organization_id", org)
            .param("key", key)
            .query(Rows.of(Locked.class))
            .optional();
    if (locked.isEmpty()) {
      ObjectNode withKey = ((ObjectNode) doc.deepCopy()).put("key", key);
      return create(org, withKey);
    }
    int version = locked.get().version() + 1;
    JsonNode previous = json.readTree(row(org, key, null).definition());
    insertVersion(locked.get().id(), version, stored(doc, d, previous), now);
    db.sql(WORKFLOW_NEW_VERSION)
        .param("id", locked.get().id())
        .param("version", version)
        .param("name", d.name())
        .param("now", SqlTime.ts(now))
        .update();
    return get(org, key, null);
  }

  /**
   * The document as stored: each secret header's value sealed into the step's {@code
   * sealed_headers}, out of {@code headers}. A value given masked ({@code ••••••}, as GET shows it)
   * keeps the current version's sealed value, so a definition read back can be saved again.
   */
  private ObjectNode stored(JsonNode doc, WorkflowDefinition d, JsonNode previous) {
    ObjectNode out = (ObjectNode) doc.deepCopy();
    out.remove("key");
    Map<String, JsonNode> before = new HashMap<>();
    if (previous != null) {
      for (JsonNode s : previous.path("steps")) {
        before.put(s.path("name").asString(), s);
      }
    }
    List<FieldError> errors = new ArrayList<>();
    for (JsonNode node : out.get("steps")) {
      ObjectNode step = (ObjectNode) node;
      String name = step.get("name").asString();
      WorkflowDefinition.Http http = d.byName().get(name).http();
      if (http == null || !(step.get("headers") instanceof ObjectNode headers)) {
        continue;
      }
      ObjectNode sealed = step.objectNode();
      for (String header : new ArrayList<>(headers.propertyNames())) {
        if (!http.secretHeaders().contains(header)) {
          continue;
        }
        String value = headers.get(header).asString();
        if (SealedRequests.MASK.equals(value)) {
          JsonNode kept =
              before.getOrDefault(name, step).path(DefinitionParser.SEALED_HEADERS).get(header);
          if (kept == null) {
            errors.add(
                new FieldError(
                    "steps." + name + ".headers." + header,
                    "is masked; give its value (a masked value keeps the current version's only"
                        + " when it has one)"));
          } else {
            sealed.put(header, kept.asString());
          }
        } else {
          sealed.put(header, Base64.getEncoder().encodeToString(secrets.seal(value)));
        }
        headers.remove(header);
      }
      if (!sealed.isEmpty()) {
        step.set(DefinitionParser.SEALED_HEADERS, sealed);
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return out;
  }

  /** A stored document as the API shows it: secret header values masked. */
  static JsonNode masked(JsonNode stored) {
    ObjectNode out = (ObjectNode) stored.deepCopy();
    for (JsonNode node : out.path("steps")) {
      ObjectNode step = (ObjectNode) node;
      JsonNode sealed = step.remove(DefinitionParser.SEALED_HEADERS);
      if (sealed != null) {
        ObjectNode headers =
            step.get("headers") instanceof ObjectNode h ? h : step.putObject("headers");
        for (String header : sealed.propertyNames()) {
          headers.put(header, SealedRequests.MASK);
        }
      }
    }
    return out;
  }

  private void insertVersion(UUID id, int version, ObjectNode stored, Instant now) {
    db.sql(WORKFLOW_VERSION_INSERT)
        .param("workflow_id", id)
        .param("version", version)
        .param("definition", stored.toString())
        .param("now", SqlTime.ts(now))
        .update();
  }

  @Transactional
  void archive(UUID org, String key) {
    get(org, key, null);
    db.sql(WORKFLOW_ARCHIVE)
        .param("organization_id", org)
        .param("key", key)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
  }

  /**
   * 422 when a workflow step names a workflow that does not exist, or one whose workflow steps lead
   * back to this one (through the current versions: what a run would start).
   */
  private void checkSubWorkflows(UUID org, String key, WorkflowDefinition d) {
    List<FieldError> errors = new ArrayList<>();
    for (WorkflowDefinition.Step s : d.steps()) {
      if (s.sub() == null) {
        continue;
      }
      String field = "steps." + s.name() + ".workflow";
      String target = s.sub().workflow();
      if (!target.equals(key) && current(org, target).isEmpty()) {
        errors.add(
            new FieldError(
                field, "names workflow '" + target + "', which does not exist: save it first"));
        continue;
      }
      List<String> path = new ArrayList<>(List.of(key));
      if (leadsBack(org, key, target, path, new HashSet<>())) {
        errors.add(
            new FieldError(field, "forms a cycle of workflows: " + String.join(" -> ", path)));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }

  /** Whether running {@code target} can start {@code root} again; {@code path} then shows how. */
  private boolean leadsBack(
      UUID org, String root, String target, List<String> path, Set<String> seen) {
    path.add(target);
    if (target.equals(root)) {
      return true;
    }
    if (seen.add(target)) {
      Optional<Row> row = current(org, target);
      if (row.isPresent()) {
        WorkflowDefinition d = parser.load(json.readTree(row.get().definition()), target);
        for (WorkflowDefinition.Step s : d.steps()) {
          if (s.sub() != null && leadsBack(org, root, s.sub().workflow(), path, seen)) {
            return true;
          }
        }
      }
    }
    path.removeLast();
    return false;
  }

  private Optional<Row> current(UUID org, String key) {
    return db.sql(WORKFLOW_GET)
        .param("organization_id", org)
        .param("key", key)
        .param("version", null)
        .query(Row::of)
        .optional();
  }

  Row row(UUID org, String key, Integer version) {
    return db.sql(WORKFLOW_GET)
        .param("organization_id", org)
        .param("key", key)
        .param("version", version)
        .query(Row::of)
        .optional()
        .orElseThrow(
            () ->
                version == null
                    ? ApiProblem.notFound("workflow", key)
                    : ApiProblem.notFound("workflow version", key + " v" + version));
  }

  /** A workflow's current version, as a run starts it; 404 when there is no such workflow. */
  record Startable(UUID id, int version, Instant archivedAt) {}

  Startable startable(UUID org, String key) {
    return db.sql(WorkflowsQueries.WORKFLOW_CURRENT)
        .param("organization_id", org)
        .param("key", key)
        .query(
            (rs, n) ->
                new Startable(
                    rs.getObject("id", UUID.class),
                    rs.getInt("version"),
                    SqlTime.instant(rs, "archived_at")))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("workflow", key));
  }

  WorkflowView get(UUID org, String key, Integer version) {
    return view(row(org, key, version));
  }

  List<Row> list(UUID org, boolean archived, UUID cursor, int limit) {
    return db.sql(WORKFLOW_LIST)
        .param("organization_id", org)
        .param("archived", archived)
        .param("cursor", cursor)
        .param("limit", limit)
        .query(Row::of)
        .list();
  }

  WorkflowView view(Row r) {
    return new WorkflowView(
        r.id(),
        r.key(),
        r.name(),
        r.version(),
        r.currentVersion(),
        r.archivedAt() != null,
        r.createdAt(),
        r.updatedAt(),
        masked(json.readTree(r.definition())));
  }
}
