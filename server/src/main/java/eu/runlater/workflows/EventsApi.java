package eu.runlater.workflows;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.SQLException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Events that resume workflow runs waiting for them (wait_for_event steps). */
@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Workflows")
class EventsApi {
  private final EventCommands events;

  EventsApi(EventCommands events) {
    this.events = events;
  }

  @PostMapping
  @Operation(
      summary = "Send an event",
      description =
          "Body {name, payload?: JSON, id?: the sender's event id}. Every running run's"
              + " wait_for_event step waiting for this name whose match (CEL over event, input,"
              + " steps, now) holds for the payload is resumed, its output {id, name, payload}."
              + " Every active workflow with a trigger for this name whose match (CEL over event,"
              + " now) holds starts one run, its input the trigger's input template over the"
              + " payload (or the payload). Answers 202 with the steps resumed, the runs started"
              + " and the triggered workflows not started (input_schema not met), all in one"
              + " transaction with the event. An id already received answers what the first event"
              + " started, duplicate: true, and changes nothing. Honours Idempotency-Key.")
  ResponseEntity<EventCommands.Received> send(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody JsonNode body)
      throws SQLException {
    if (body == null || !body.isObject()) {
      throw ApiProblem.invalid("body", "must be an object: {name, payload}");
    }
    for (var e : body.properties()) {
      if (!java.util.Set.of("name", "payload", "id").contains(e.getKey())) {
        throw ApiProblem.invalid(e.getKey(), "is not a field here; give {name, payload, id?}");
      }
    }
    JsonNode id = body.get("id");
    if (id != null
        && !id.isNull()
        && (!id.isString() || id.asString().isBlank() || id.asString().length() > 200)) {
      throw ApiProblem.invalid("id", "must be the sender's event id: 1 to 200 characters");
    }
    JsonNode name = body.get("name");
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(
            events.receive(
                caller.organizationId(),
                id == null || id.isNull() ? null : id.asString(),
                name == null || !name.isString() ? null : name.asString(),
                body.get("payload")));
  }
}
