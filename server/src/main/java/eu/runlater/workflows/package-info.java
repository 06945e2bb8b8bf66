/**
 * Workflows: versioned definitions of named steps ({@code http}, {@code condition}, {@code sleep})
 * whose dependencies form a DAG with all / any / N-of-M joins, and their runs. A run's state lives
 * in PostgreSQL and advances through engine tasks (source kind {@code run}): an http step is a task
 * under the delivery contract (signed, retried, SSRF-guarded, fenced); a sleep and a run's deadline
 * are tasks to {@code workflow:} URLs. Each step's outcome advances its run in the engine's outcome
 * transaction ({@link eu.runlater.workflows.StepOutcomes}, {@link
 * eu.runlater.workflows.RunAdvancer}).
 *
 * <p>Its API for other modules is {@link eu.runlater.workflows.WorkflowStarts}: a job or a queue
 * message whose target is a workflow is a task to {@code workflow:start/<key>}, answered here by
 * starting one run per task.
 */
package eu.runlater.workflows;
