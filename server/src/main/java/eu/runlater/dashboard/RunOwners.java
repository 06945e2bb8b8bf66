package eu.runlater.dashboard;

import eu.runlater.executions.ExecutionSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Names the owners of runs that the log's own query does not (jobs, messages' queues, alert
 * channels and monitors it joins): each producer names its executions through its {@link
 * ExecutionSource} — a workflow run's step, an inbound forward — once per source and task on a
 * page. A run no producer can name shows as its owner gone.
 */
@Component
class RunOwners {
  static final Set<String> JOINED = Set.of("job", "message", "alert", "monitor");

  private final Map<String, ExecutionSource> sources = new HashMap<>();

  RunOwners(List<ExecutionSource> sources) {
    sources.forEach(s -> this.sources.put(s.kind(), s));
  }

  List<Runs.Run> named(UUID org, List<Runs.Run> rows) {
    record Key(String kind, UUID sourceId, UUID taskId) {}
    Map<Key, Optional<ExecutionSource.Owner>> owners = new HashMap<>();
    List<Runs.Run> named = new ArrayList<>(rows.size());
    for (Runs.Run r : rows) {
      ExecutionSource source = sources.get(r.sourceKind());
      if (JOINED.contains(r.sourceKind()) || source == null || r.sourceId() == null) {
        named.add(r);
        continue;
      }
      Optional<ExecutionSource.Owner> owner =
          owners.computeIfAbsent(
              new Key(r.sourceKind(), r.sourceId(), r.taskId()),
              k -> source.owner(org, k.sourceId(), k.taskId()));
      named.add(owner.map(o -> r.owned(o.name(), o.link())).orElse(r));
    }
    return named;
  }
}
