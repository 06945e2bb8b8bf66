package eu.runlater.inbound;

import eu.runlater.platform.api.JsonMergePatch;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Connections: where a source's accepted requests are forwarded, filtered and transformed. */
@RestController
@RequestMapping("/api/v1/connections")
@Tag(name = "Inbound connections")
class ConnectionsApi {
  private final Connections connections;
  private final JsonMapper json;

  ConnectionsApi(Connections connections, JsonMapper json) {
    this.connections = connections;
    this.json = json;
  }

  @PostMapping
  @Operation(
      summary = "Create a connection",
      description =
          "{source_id, name, destination_url, method? (default: as received), filter? (CEL bool),"
              + " transform? (CEL map of body and headers), timeout_ms? (30000), retries? (5),"
              + " parallelism? (1-1000), rate? ({limit: 1-100000, per: second|minute})}."
              + " CEL sees method, path, query, headers (lower-case names) and body (the JSON"
              + " body, or its text). Each accepted request of the source becomes an engine task"
              + " to the destination, signed, SSRF-guarded and retried. With parallelism or rate"
              + " (parallelism 10 when only a rate is given) the forwards go through a queue the"
              + " connection owns (inbound-<id>, listed with owner 'inbound connection'): at most"
              + " that many in flight, starts (retries and replays included) spaced by the rate,"
              + " and a destination that is down for hours gets the backlog at that pace when it"
              + " is back. Honours Idempotency-Key.")
  ResponseEntity<Connection> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody ConnectionInput input) {
    var org = caller.organizationId();
    Connection c = connections.create(org, connections.check(org, input));
    return ResponseEntity.created(URI.create("/api/v1/connections/" + c.id())).body(c);
  }

  @GetMapping
  @Operation(summary = "List connections, newest first; filter by source_id")
  Page<Connection> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(name = "source_id", required = false) UUID sourceId) {
    int n = Page.limit(limit);
    var rows = connections.list(caller.organizationId(), sourceId, Page.cursor(cursor), n + 1);
    return Page.of(rows, n, Connection::id, c -> c);
  }

  @GetMapping("/{id}")
  @Operation(summary = "A connection")
  Connection get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return connections.get(caller.organizationId(), id);
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change a connection (JSON Merge Patch)",
      description =
          "Applies to requests received from now on; queued forwards keep their request. New"
              + " parallelism or rate also applies to the forwards waiting in the connection's"
              + " queue; {\"parallelism\": null, \"rate\": null} sends new forwards straight to"
              + " the engine while the queue drains at its last limits.")
  Connection patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody JsonNode patch) {
    var org = caller.organizationId();
    Connection current = connections.get(org, id);
    ConnectionInput input =
        JsonMergePatch.applyAs(
            json.valueToTree(current.asInput()),
            patch,
            json,
            ConnectionInput.class,
            "a connection");
    return connections.update(org, id, connections.check(org, input));
  }

  @PostMapping("/{id}/pause")
  @Operation(summary = "Pause a connection: requests keep arriving and wait (held) until resumed")
  Connection pause(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return connections.pause(caller.organizationId(), id);
  }

  @PostMapping("/{id}/resume")
  @Operation(summary = "Resume a connection: its held requests are forwarded now, in order")
  Connection resume(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return connections.resume(caller.organizationId(), id);
  }

  @DeleteMapping("/{id}")
  @Operation(
      summary =
          "Delete a connection (forwards already handed to the engine still run; a limited"
              + " connection's forwards still waiting in its queue are dropped with it, those it"
              + " held while paused are marked failed; the requests it forwarded keep their"
              + " forwards, naming it as deleted)")
  ResponseEntity<Void> delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    connections.delete(caller.organizationId(), id);
    return ResponseEntity.noContent().build();
  }
}
