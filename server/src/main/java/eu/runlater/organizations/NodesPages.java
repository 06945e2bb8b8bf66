package eu.runlater.organizations;

import eu.runlater.engine.Nodes;
import eu.runlater.platform.engine.EngineProperties;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.sql.SQLException;
import java.util.List;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The superadmin's view of the engine nodes sharing the database: each node's host, version, start,
 * last heartbeat, state (alive, declared dead, stopped), whether it leads, and what it runs now.
 * Anyone else gets 403. Superadmin is read from the database on each request (through the viewer).
 */
@Pages
class NodesPages {
  private final Nodes nodes;
  private final EngineProperties engine;

  NodesPages(Nodes nodes, EngineProperties engine) {
    this.nodes = nodes;
    this.engine = engine;
  }

  @GetMapping("/admin/nodes")
  String nodes(Viewer viewer, Model model) throws SQLException {
    if (!viewer.user().superadmin()) {
      throw PageException.forbidden("see the instance's nodes (the superadmin only)");
    }
    List<Nodes.Node> rows = nodes.list();
    model.addAttribute("nodes", rows);
    model.addAttribute("alive", rows.stream().filter(n -> n.state().equals("alive")).count());
    model.addAttribute("heartbeatInterval", engine.heartbeatInterval().toMillis());
    model.addAttribute("deadAfter", engine.deadAfter().toMillis());
    return "admin/nodes";
  }
}
