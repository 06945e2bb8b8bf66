package eu.runlater.workflows;

import eu.runlater.engine.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A checked workflow definition: named steps whose dependencies form a DAG, in the order given.
 * Made only by {@link DefinitionParser}, which has proved every reference, the absence of cycles,
 * every CEL expression and every template before one exists.
 *
 * @param maxRunTime how long a run may take before it fails, or null for no limit
 * @param inputSchema the JSON Schema a run's input must meet, or null
 * @param concurrency how many runs (per key) may run at once, or null for no limit
 * @param onCancel {@link #FINISH} (a cancelled run waits for its steps in flight) or {@link
 *     #ABANDON} (it ends at once; their late outcomes are history only)
 * @param triggers the events that start a run of this version while it is the current one
 */
record WorkflowDefinition(
    String name,
    Duration maxRunTime,
    JsonNode inputSchema,
    Concurrency concurrency,
    String onCancel,
    List<Trigger> triggers,
    List<Step> steps) {
  static final String HTTP = "http";
  static final String CONDITION = "condition";
  static final String SLEEP = "sleep";
  static final String WAIT = "wait_for_event";
  static final String APPROVAL = "approval";
  static final String SUB = "workflow";
  static final String FINISH = "finish";
  static final String ABANDON = "abandon";

  WorkflowDefinition {
    triggers = List.copyOf(triggers);
    steps = List.copyOf(steps);
  }

  /**
   * The steps named by some {@code on_failure.compensate}: they run only when a step they
   * compensate fails, never on their own.
   */
  java.util.Set<String> compensations() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Step s : steps) {
      if (s.compensate() != null) {
        names.add(s.compensate());
      }
    }
    return names;
  }

  /**
   * At most {@code limit} runs with the same key run at once; the others wait in state {@code
   * queued}, oldest first ({@link RunConcurrency}).
   *
   * @param key a template over the run's input ({@code {{ input.customer_id }}}), or null: one
   *     limit for the whole workflow
   */
  record Concurrency(String key, int limit) {}

  /**
   * Starts a run when an event named {@code event} is sent ({@code POST /api/v1/events}) and its
   * payload meets {@code match} (CEL over {@code event} and {@code now}; null: any).
   *
   * @param input the run's input: JSON whose strings may read {@code {{ event.<field> }}}; null:
   *     the payload itself
   */
  record Trigger(String event, String match, JsonNode input) {}

  Map<String, Step> byName() {
    Map<String, Step> map = new LinkedHashMap<>();
    for (Step s : steps) {
      map.put(s.name(), s);
    }
    return map;
  }

  /**
   * One step. Exactly one of {@code http}, {@code condition}, {@code sleep}, {@code waitFor},
   * {@code approval}, {@code sub} is set, as {@code kind} says.
   *
   * @param continueOnFailure {@code on_failure: continue}: a failure is recorded and the run goes
   *     on, the step counting as done for its dependents; otherwise a failure fails the run
   * @param compensate {@code on_failure: {compensate: <step>}}: a failure runs that step, then
   *     fails the run; or null
   */
  record Step(
      String name,
      String kind,
      List<String> dependsOn,
      Join join,
      boolean continueOnFailure,
      Http http,
      Condition condition,
      Sleep sleep,
      Wait waitFor,
      Approval approval,
      Sub sub,
      String compensate) {
    Step {
      dependsOn = List.copyOf(dependsOn);
    }
  }

  /**
   * When a step with dependencies runs: when all of them are done, when any one is, or when {@code
   * n} are. A dependency is done when it succeeded (or failed with {@code on_failure: continue})
   * and, for a condition, chose the branch this step is on.
   */
  record Join(String mode, int n) {
    static final Join ALL = new Join("all", 0);
    static final Join ANY = new Join("any", 1);

    /** How many done dependencies of {@code total} let the step run. */
    int needed(int total) {
      return switch (mode) {
        case "all" -> total;
        case "any" -> Math.min(1, total);
        default -> n;
      };
    }

    Object asJson() {
      return "n".equals(mode) ? (Object) n : mode;
    }
  }

  /**
   * An HTTP request whose url, header values and body strings may hold {@code {{ refs }}}.
   *
   * @param headers the headers in the clear (at save, the secret ones too)
   * @param sealedHeaders stored secret headers: name to sealed value (base64)
   * @param secretHeaders the names (any case) of the headers sealed at rest and in tasks: named in
   *     {@code secret_headers}, or credentials by their name ({@code Authorization}, …)
   * @param backoff the step's own, or null for the engine's default (as a job's)
   */
  record Http(
      String method,
      String url,
      Map<String, String> headers,
      Map<String, String> sealedHeaders,
      java.util.Set<String> secretHeaders,
      JsonNode body,
      int timeoutMs,
      int retries,
      Backoff backoff) {}

  /**
   * A CEL expression over {@code input}, {@code steps} and {@code now}; true runs the {@code then}
   * steps, false the {@code else} steps; the others among its dependents are skipped.
   */
  record Condition(String expression, List<String> thenSteps, List<String> elseSteps) {}

  /** A wait of {@code duration}, or until {@code until}. */
  record Sleep(Duration duration, Instant until) {}

  /**
   * A wait for an event named {@code event} ({@code POST /api/v1/events}) whose payload meets
   * {@code match} (CEL over {@code event}, {@code input}, {@code steps}, {@code now}; null: any),
   * for at most {@code timeout}; then the step fails, or with {@code continueOnTimeout} succeeds
   * with {@code {timed_out: true}}.
   */
  record Wait(String event, String match, Duration timeout, boolean continueOnTimeout) {}

  /**
   * A decision by people: any one of the assignees approves (the step succeeds) or rejects (it
   * fails, so its {@code on_failure} applies), with a comment. Without a decision within {@code
   * timeout} the step takes {@code onTimeout}: approve, reject or fail. After {@code escalateAfter}
   * (if set) the {@code escalateTo} assignees may decide too.
   *
   * @param onTimeout approve, reject (as a rejection: {@code approved: false}) or fail (an error)
   */
  record Approval(
      Assignees assignees,
      Duration timeout,
      String onTimeout,
      Duration escalateAfter,
      Assignees escalateTo) {}

  /** Who may decide: members by email (lower case), and every member with one of the roles. */
  record Assignees(List<String> users, List<String> roles) {
    Assignees {
      users = List.copyOf(users);
      roles = List.copyOf(roles);
    }
  }

  /**
   * A sub-workflow: a run of the organization's workflow {@code workflow} (its current version when
   * the step starts) with {@code input} (templates rendered), waited for; its success is the step's
   * output {@code {run_id, state, steps: {<name>: output}}}, its failure the step's failure.
   */
  record Sub(String workflow, JsonNode input) {}
}
