package eu.runlater.workflows;

import static eu.runlater.workflows.WorkflowsQueries.VERSION_DEFINITION;

import eu.runlater.platform.database.Rows;
import java.sql.Connection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Definitions by workflow and version, parsed once per node: a version never changes, so advancing
 * a run does not parse its document (nor compile its CEL) again.
 */
@Component
class Definitions {
  private static final int MAX_CACHED = 1_024;

  private final DefinitionParser parser;
  private final JsonMapper json;
  private final Map<String, WorkflowDefinition> cache = new ConcurrentHashMap<>();

  Definitions(DefinitionParser parser, JsonMapper json) {
    this.parser = parser;
    this.json = json;
  }

  WorkflowDefinition get(Connection connection, UUID workflowId, int version) {
    String id = workflowId + ":" + version;
    WorkflowDefinition d = cache.get(id);
    if (d != null) {
      return d;
    }
    record Row(String key, String definition) {}
    Row row =
        eu.runlater.platform.database.ConnectionSql.on(connection)
            .sql(VERSION_DEFINITION)
            .param("workflow_id", workflowId)
            .param("version", version)
            .query(Rows.of(Row.class))
            .single();
    d = parser.load(json.readTree(row.definition()), row.key());
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(id, d);
    return d;
  }
}
