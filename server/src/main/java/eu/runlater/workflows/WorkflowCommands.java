package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_ARCHIVE;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_GET;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_INSERT;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_LIST;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_LOCK_BY_KEY;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_NEW_VERSION;
import static eu.runlater.workflows.WorkflowsQueries.WORKFLOW_VERSION_INSERT;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
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

  WorkflowCommands(JdbcClient db, DefinitionParser parser, JsonMapper json, InstantSource clock) {
    this.db = db;
    this.parser = parser;
    this.json = json;
    this.clock = clock;
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
    insertVersion(id, 1, doc, now);
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
    Instant now = clock.instant();
    record Locked(UUID id, int version, Instant archivedAt) {}
    Optional<Locked> locked =
        db.sql(WORKFLOW_LOCK_BY_KEY)
            .param("organization_id", org)
            .param("key", key)
            .query(Locked.class)
            .optional();
    if (locked.isEmpty()) {
      ObjectNode withKey = ((ObjectNode) doc.deepCopy()).put("key", key);
      return create(org, withKey);
    }
    int version = locked.get().version() + 1;
    insertVersion(locked.get().id(), version, doc, now);
    db.sql(WORKFLOW_NEW_VERSION)
        .param("id", locked.get().id())
        .param("version", version)
        .param("name", d.name())
        .param("now", SqlTime.ts(now))
        .update();
    return get(org, key, null);
  }

  private void insertVersion(UUID id, int version, JsonNode doc, Instant now) {
    ObjectNode stored = ((ObjectNode) doc.deepCopy());
    stored.remove("key");
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
        json.readTree(r.definition()));
  }
}
