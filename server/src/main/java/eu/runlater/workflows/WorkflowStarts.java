package eu.runlater.workflows;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import eu.runlater.engine.Header;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Workflows as the target of other producers' deliveries: a job (each occurrence) or a queue
 * message whose target is a workflow is a task to {@code workflow:start/<key>} whose body is the
 * run's input. The workflows' transport answers it in-process by starting one run per task (a task
 * delivered again answers with the run it started): so the start is as durable, fenced and recorded
 * as any delivery, and the attempt's response names the run ({@code {"run_id": …}}).
 *
 * <p>Producers build a target's request with {@link #draft}, tell it from an HTTP one with {@link
 * #key}, and check a target before they store it with {@link #check}.
 */
@Component
public class WorkflowStarts {
  /** The URL prefix of a start; the workflow's key follows. */
  public static final String URL_PREFIX = WorkflowTransport.SCHEME + ":" + StartTransport.PREFIX;

  private final org.springframework.jdbc.core.simple.JdbcClient db;
  private final WorkflowCommands workflows;
  private final Definitions definitions;
  private final TransactionalConnection connection;
  private final SchemaRegistry schemas =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  WorkflowStarts(
      org.springframework.jdbc.core.simple.JdbcClient db,
      WorkflowCommands workflows,
      Definitions definitions,
      TransactionalConnection connection) {
    this.db = db;
    this.workflows = workflows;
    this.definitions = definitions;
    this.connection = connection;
  }

  /** The URL of a task that starts a run of the workflow with this key. */
  public static String url(String key) {
    return URL_PREFIX + key;
  }

  /** Whether this is a workflow key as workflows are named (it may still name none). */
  public static boolean isKey(String key) {
    return key != null && WorkflowCommands.KEY.matcher(key).matches();
  }

  /** The workflow a URL starts, when it is a start's URL; empty for any other. */
  public static Optional<String> key(String url) {
    return url != null && url.startsWith(URL_PREFIX)
        ? Optional.of(url.substring(URL_PREFIX.length()))
        : Optional.empty();
  }

  /**
   * A workflow target as the request its producer's tasks carry: a POST of {@code input} (null:
   * {@code {}}) to the workflow's start {@link #url}, with the producer's timeout. Checks only what
   * needs no database (the key's form, the input a JSON object within the body limit, the timeout),
   * each problem named by {@code keyField} or {@code inputField} (a job's {@code workflow.key} and
   * {@code workflow.input}; a message's {@code workflow} and {@code body}); whether the workflow
   * exists and takes the input is {@link #check}'s. Null when anything was wrong.
   */
  public static RequestRules.Draft draft(
      String key,
      JsonNode input,
      Integer timeoutMs,
      String keyField,
      String inputField,
      List<FieldError> errors) {
    int before = errors.size();
    if (!isKey(key)) {
      errors.add(badKey(keyField));
    }
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    if (input != null && !input.isNull()) {
      if (!input.isObject()) {
        errors.add(new FieldError(inputField, "must be a JSON object: the run's input"));
      } else {
        body = input.toString().getBytes(StandardCharsets.UTF_8);
        RequestRules.checkBodySize(body.length, errors);
      }
    }
    int timeout = RequestRules.timeout(timeoutMs, errors);
    if (errors.size() > before) {
      return null;
    }
    return new RequestRules.Draft(
        url(key),
        "POST",
        List.of(new Header("Content-Type", "application/json")),
        Set.of(),
        body,
        false,
        timeout);
  }

  private static FieldError badKey(String field) {
    return new FieldError(
        field,
        "is required: the key of one of the organization's workflows (lower-case letters, digits,"
            + " _ and -)");
  }

  /**
   * What is wrong with starting the organization's workflow {@code key} with {@code input} (null:
   * {@code {}}), each problem named by {@code keyField} or under {@code inputField} (a job's {@code
   * workflow.key} and {@code workflow.input/amount}; a message's {@code workflow} and {@code
   * body/amount}); empty when a start would pass. The start itself checks again: the workflow may
   * change or be archived in between.
   */
  @Transactional(readOnly = true)
  public List<FieldError> check(
      UUID org, String key, JsonNode input, String keyField, String inputField) {
    List<FieldError> errors = new ArrayList<>();
    if (!isKey(key)) {
      errors.add(badKey(keyField));
      return errors;
    }
    WorkflowCommands.Row w;
    try {
      w = workflows.row(org, key, null);
    } catch (ApiProblem notFound) {
      errors.add(
          new FieldError(
              keyField, "names no workflow of this organization: create '" + key + "' first"));
      return errors;
    }
    if (w.archivedAt() != null) {
      errors.add(
          new FieldError(keyField, "names an archived workflow; save it again (PUT) to run it"));
      return errors;
    }
    JsonNode given =
        input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input;
    if (!RunCommands.storable(given)) {
      errors.add(
          new FieldError(
              inputField,
              "must not contain the NUL character (\\u0000): PostgreSQL cannot store it"));
      return errors;
    }
    WorkflowDefinition d = definitions.get(connection.current(), w.id(), w.version());
    for (FieldError e : RunCommands.inputErrors(schemas, d, given)) {
      // The schema's errors are named input/<path>.
      errors.add(new FieldError(inputField + e.field().substring("input".length()), e.message()));
    }
    return errors;
  }

  /** A workflow as a producer's form offers it: its key, its name, whether it is archived. */
  public record Choice(String key, String name, boolean archived) {
    static Choice of(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
      return new Choice(rs.getString("key"), rs.getString("name"), rs.getBoolean("archived"));
    }
  }

  /** At most this many workflows are offered in a form's select. */
  public static final int MAX_CHOICES = 500;

  /** The organization's workflows that a target may name (not archived), by name. */
  public List<Choice> choices(UUID org) {
    return db.sql(WorkflowsQueries.WORKFLOW_CHOICES)
        .param("organization_id", org)
        .param("limit", MAX_CHOICES)
        .query(Choice::of)
        .list();
  }

  /** The organization's workflow with this key, archived or not; empty when there is none. */
  public Optional<Choice> choice(UUID org, String key) {
    return db.sql(WorkflowsQueries.WORKFLOW_CHOICE_BY_KEY)
        .param("organization_id", org)
        .param("key", key)
        .query(Choice::of)
        .optional();
  }

  /** The newest run a job's (or a message's) tasks started, if any: its page links it. */
  public Optional<UUID> latestRun(UUID org, UUID sourceId) {
    return db.sql(StartsQueries.START_LATEST_OF_SOURCE)
        .param("source_id", sourceId)
        .param("organization_id", org)
        .query(UUID.class)
        .optional();
  }
}
