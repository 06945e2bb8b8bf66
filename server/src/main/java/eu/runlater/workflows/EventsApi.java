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
          "Body {name, payload?: JSON}. Every running run's wait_for_event step waiting for this"
              + " name whose match (CEL over event, input, steps, now) holds for the payload is"
              + " resumed, its output {id, name, payload}. Answers 202 with the steps resumed (an"
              + " event nothing waits for is recorded and resumes nothing). Honours"
              + " Idempotency-Key.")
  ResponseEntity<EventCommands.Received> send(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody JsonNode body)
      throws SQLException {
    if (body == null || !body.isObject()) {
      throw ApiProblem.invalid("body", "must be an object: {name, payload}");
    }
    for (var e : body.properties()) {
      if (!e.getKey().equals("name") && !e.getKey().equals("payload")) {
        throw ApiProblem.invalid(e.getKey(), "is not a field here; give {name, payload}");
      }
    }
    JsonNode name = body.get("name");
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .body(
            events.receive(
                caller.organizationId(),
                name == null || !name.isString() ? null : name.asString(),
                body.get("payload")));
  }
}
