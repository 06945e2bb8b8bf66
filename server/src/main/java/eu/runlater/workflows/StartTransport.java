package eu.runlater.workflows;

import eu.runlater.engine.Header;
import eu.runlater.engine.Transport;
import eu.runlater.platform.errors.ApiProblem;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers a task to {@code workflow:start/<key>} (see {@link WorkflowStarts}): its body, JSON, is
 * the input of a run of the workflow, started once per task by {@link RunStarts}. The answer is the
 * attempt's response in the history: 201 {@code {run_id, workflow, state, started: true}} for the
 * start, 200 with {@code started: false} for a task delivered again. A start that cannot be (no
 * such workflow: 404; archived: 409; input that is not JSON or fails the schema: 422) is answered
 * with its problem+json, so the delivery contract fails it at once instead of retrying what will
 * not change; a database that does not answer is a failure the engine retries.
 */
final class StartTransport {
  static final String PREFIX = "start/";

  private final ObjectProvider<RunStarts> starts;
  private final JsonMapper json;

  StartTransport(ObjectProvider<RunStarts> starts, JsonMapper json) {
    this.starts = starts;
    this.json = json;
  }

  static boolean isStart(Transport.Message message) {
    String part = message.target().getSchemeSpecificPart();
    return part != null && part.startsWith(PREFIX);
  }

  Transport.Answer send(Transport.Message message) throws IOException {
    String key = message.target().getSchemeSpecificPart().substring(PREFIX.length());
    JsonNode input;
    try {
      input = message.body().length == 0 ? null : json.readTree(message.body());
    } catch (JacksonException e) {
      return problem(ApiProblem.invalid("input", "is not JSON: " + e.getOriginalMessage()));
    }
    RunStarts runs = starts.getObject();
    try {
      return answer(key, runs.start(message.organizationId(), message.taskId(), key, input));
    } catch (ApiProblem p) {
      return problem(p);
    } catch (DuplicateKeyException e) {
      // Another delivery of this task started the run while this one tried: answer with it.
      return answer(
          key,
          runs.find(message.organizationId(), message.taskId())
              .orElseThrow(() -> new IOException("the concurrent start of this task rolled back")));
    } catch (SQLException | org.springframework.dao.DataAccessException e) {
      throw new IOException("the run could not be started: " + e.getMessage(), e);
    }
  }

  private Transport.Answer answer(String key, RunStarts.Started s) {
    ObjectNode body = json.createObjectNode();
    body.put("run_id", s.runId().toString());
    body.put("workflow", key);
    body.put("state", s.state());
    body.put("started", s.started());
    return new Transport.Answer(
        s.started() ? 201 : 200,
        List.of(new Header("Content-Type", "application/json")),
        json.writeValueAsBytes(body));
  }

  private Transport.Answer problem(ApiProblem p) {
    return new Transport.Answer(
        p.status().value(),
        List.of(new Header("Content-Type", "application/problem+json")),
        json.writeValueAsBytes(p.toProblemDetail()));
  }
}
