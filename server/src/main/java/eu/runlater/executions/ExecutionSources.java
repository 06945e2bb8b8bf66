package eu.runlater.executions;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The producers of work, by the {@code source_kind} of their executions. */
@Component
class ExecutionSources {
  private final List<ExecutionSource> sources;

  ExecutionSources(List<ExecutionSource> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The producer of {@code e}, or null when none can tell about it (or send it again). */
  ExecutionSource of(Execution e) {
    for (ExecutionSource s : sources) {
      if (s.kind().equals(e.sourceKind())) {
        return s;
      }
    }
    return null;
  }

  Optional<ExecutionSource.Owner> owner(UUID organizationId, Execution e) {
    ExecutionSource source = of(e);
    return source == null || e.sourceId() == null
        ? Optional.empty()
        : source.owner(organizationId, e.sourceId(), e.taskId());
  }
}
