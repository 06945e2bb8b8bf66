package eu.runlater.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the editor's preview shows of an unsaved page: its title, description and components in
 * their groups, each with the state it would show (manual components their chosen state; the others
 * "follows its monitor/job/queue").
 */
record StatusPagePreview(String title, String description, List<Group> groups, String overall) {
  record Item(String name, String state, String words) {}

  record Group(String name, List<Item> items) {}

  static StatusPagePreview of(StatusPagePages.Form form) {
    Map<String, List<Item>> groups = new LinkedHashMap<>();
    String worst = "operational";
    List<String> order = StatusPages.MANUAL_STATES;
    for (StatusPagePages.Row r : form.rows()) {
      String kind = r.kind() == null || r.kind().isBlank() ? "manual" : r.kind();
      String state =
          kind.equals("manual")
              ? (r.state() == null || !order.contains(r.state()) ? "operational" : r.state())
              : "operational";
      String words =
          kind.equals("manual")
              ? state.replace('_', ' ')
              : "follows its " + kind + " (operational now in the preview)";
      if (!state.equals("maintenance") && order.indexOf(state) > order.indexOf(worst)) {
        worst = state;
      }
      groups
          .computeIfAbsent(r.group() == null ? "" : r.group().strip(), g -> new ArrayList<>())
          .add(
              new Item(
                  r.name() == null || r.name().isBlank() ? "(no name)" : r.name().strip(),
                  state,
                  words));
    }
    List<Group> list = new ArrayList<>();
    groups.forEach((name, items) -> list.add(new Group(name, items)));
    String overall =
        switch (worst) {
          case "degraded" -> "Some systems are degraded";
          case "partial_outage" -> "Partial outage";
          case "major_outage" -> "Major outage";
          default -> "All systems operational";
        };
    return new StatusPagePreview(
        form.title() == null || form.title().isBlank() ? "(untitled)" : form.title().strip(),
        form.description() == null ? "" : form.description(),
        list,
        overall);
  }
}
