/**
 * The delivery engine's API: every public type in this package, and nothing else. The engine is
 * plain Java (JDBC, an HTTP client, an {@link java.time.InstantSource}); the server wires it, and
 * no Spring type appears here. Its sub-packages ({@code db}, {@code http}, {@code signing}) and the
 * package-private components here (producer, workers, completer, rescuer, leader, partitions,
 * wake-ups, host guard) are internal: they may change without notice.
 *
 * <h2>Running an engine</h2>
 *
 * {@link eu.runlater.engine.Engine#builder} with an {@link eu.runlater.engine.EngineConfig}, the
 * database (a pool and a {@link eu.runlater.engine.ConnectionFactory} for its own sessions), the
 * {@link eu.runlater.engine.TargetPolicy} its HTTP client obeys (the SSRF guard), the {@link
 * eu.runlater.engine.SecretBox} that opens sealed request parts and the organizations' {@link
 * eu.runlater.engine.SigningSecrets}; then {@code start()}, and {@code stop()} or {@code close()}.
 * Any number of engines share one database.
 *
 * <h2>Handing it work</h2>
 *
 * A producer of work (jobs, queues, later workflows and monitors) calls {@link
 * eu.runlater.engine.Tasks} on a {@link java.sql.Connection} of its own transaction, so a task
 * exists exactly when the change that made it commits: insert {@link eu.runlater.engine.NewTask}s
 * (a {@link eu.runlater.engine.TaskRequest} with {@link eu.runlater.engine.Header}s, sealed with
 * {@link eu.runlater.engine.SealedRequests}, and a {@link eu.runlater.engine.Backoff}), remove
 * waiting ones, cancel running ones, record history entries that are no attempt ({@link
 * eu.runlater.engine.TaskEvent}). No other code writes the engine's tables.
 *
 * <h2>Hooks</h2>
 *
 * A {@link eu.runlater.engine.ClaimHook} acts in the transaction that claims tasks ({@link
 * eu.runlater.engine.ClaimedTask}): cron materializes its next occurrence there, a queue applies
 * its rate. An {@link eu.runlater.engine.OutcomeHook} acts in the transaction that records final
 * outcomes ({@link eu.runlater.engine.Completion}, {@link eu.runlater.engine.ExecutionRecord}).
 * Both run on the engine's connection.
 *
 * <h2>Organizations</h2>
 *
 * The engine knows organizations by id only. {@link eu.runlater.engine.Tenants} sets each one's cap
 * on running deliveries (the server derives it from the tier; without one, {@link
 * eu.runlater.engine.EngineConfig#defaultOrganizationCap()}) and forgets an organization that goes.
 *
 * <h2>Held hosts</h2>
 *
 * The engine holds an organization's deliveries to a target back while the target throttles or its
 * circuit is open. {@link eu.runlater.engine.Hosts} (from {@code Engine#hosts()}) lets a person act
 * on one organization's target: probe an open circuit now, or release the target. A task remembers
 * what held it ({@link eu.runlater.engine.ClaimedTask.Held}), and its attempt's execution row keeps
 * it, so the history says why an attempt started late.
 *
 * <h2>Nodes</h2>
 *
 * Every engine heartbeats into {@code engine_nodes}; the leader declares a silent node dead after
 * {@link eu.runlater.engine.EngineConfig#deadAfter()} and hands its running tasks on. {@link
 * eu.runlater.engine.Nodes} (from {@code Engine#nodes()}) lists the nodes for an operator.
 *
 * <h2>History</h2>
 *
 * Every attempt and event is appended to {@code executions}, partitioned by day and dropped after
 * {@link eu.runlater.engine.EngineConfig#retention()}; {@link eu.runlater.engine.ExecutionRecord}
 * names its statuses. The server reads it through its own read models.
 *
 * <h2>Helpers it shares</h2>
 *
 * Kept identical on both sides on purpose: {@link eu.runlater.engine.Ids} (UUIDv7), {@link
 * eu.runlater.engine.SqlTime} (instants in JDBC), {@link eu.runlater.engine.SecretBox} (sealed
 * secrets), {@link eu.runlater.engine.HeaderCodec} (headers as JSON), {@link
 * eu.runlater.engine.SealedRequests} (which headers are secret), {@link eu.runlater.engine.Cidr}
 * (operator-listed address ranges) and {@link eu.runlater.engine.TargetPolicy#checkUrl} (a URL
 * checked when it is stored, by the rules it is sent under).
 */
package eu.runlater.engine;
