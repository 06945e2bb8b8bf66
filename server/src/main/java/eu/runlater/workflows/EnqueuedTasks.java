package eu.runlater.workflows;

import eu.runlater.engine.NewTask;
import eu.runlater.platform.engine.TaskEnqueuer;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The API side's {@link RunAdvancer.TaskSink}: tasks go to the engine in the caller's Spring
 * transaction (see {@link TaskEnqueuer}), committing with the run's rows or not at all.
 */
@Component
class EnqueuedTasks implements RunAdvancer.TaskSink {
  private final TaskEnqueuer enqueuer;

  EnqueuedTasks(TaskEnqueuer enqueuer) {
    this.enqueuer = enqueuer;
  }

  @Override
  public void insert(List<NewTask> tasks) {
    enqueuer.enqueue(tasks);
  }

  @Override
  public boolean deleteWaiting(UUID organizationId, UUID taskId) {
    return enqueuer.deleteWaiting(organizationId, taskId).isPresent();
  }
}
