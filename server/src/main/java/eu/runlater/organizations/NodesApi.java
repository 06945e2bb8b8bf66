package eu.runlater.organizations;

import eu.runlater.engine.Nodes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The engine nodes for the superadmin's API: {@code GET /api/v1/admin/nodes} with an admin key
 * ({@link eu.runlater.apikeys.AdminKeys}); any other key is answered 403.
 */
@RestController
@Tag(name = "Admin", description = "For the instance's superadmin; needs an admin API key")
class NodesApi {
  private final Nodes nodes;

  NodesApi(Nodes nodes) {
    this.nodes = nodes;
  }

  /**
   * One node as the API shows it.
   *
   * @param silentForMs how long ago its last heartbeat was, on the database's clock
   * @param clockOffsetMs how far its clock is ahead of the database's (negative: behind), as its
   *     heartbeats measured it; null until they have
   */
  record NodeView(
      String id,
      String host,
      long pid,
      String version,
      Instant startedAt,
      Instant heartbeatAt,
      long silentForMs,
      String state,
      Instant deadAt,
      boolean leader,
      int running,
      Long clockOffsetMs) {
    static NodeView of(Nodes.Node n) {
      return new NodeView(
          n.id(),
          n.host(),
          n.pid(),
          n.version(),
          n.startedAt(),
          n.heartbeatAt(),
          n.silentFor().toMillis(),
          n.state(),
          n.deadAt(),
          n.leader(),
          n.running(),
          n.clockOffset() == null ? null : n.clockOffset().toMillis());
    }
  }

  record NodeList(List<NodeView> data) {}

  @GetMapping("/api/v1/admin/nodes")
  @Operation(
      summary = "The engine nodes sharing the database (admin key)",
      description =
          "Alive nodes first, then the most recently heard of (at most 200): state alive, dead"
              + " (declared by the leader after its silence; its running tasks were handed on) or"
              + " stopped; leader; running tasks; last heartbeat on the database's clock; how far"
              + " the node's clock is off the database's.")
  NodeList list() throws SQLException {
    return new NodeList(nodes.list().stream().map(NodeView::of).toList());
  }
}
