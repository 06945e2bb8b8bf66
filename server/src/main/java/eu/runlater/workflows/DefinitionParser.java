package eu.runlater.workflows;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import eu.runlater.engine.Backoff;
import eu.runlater.engine.SealedRequests;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.workflows.WorkflowDefinition.Approval;
import eu.runlater.workflows.WorkflowDefinition.Assignees;
import eu.runlater.workflows.WorkflowDefinition.Condition;
import eu.runlater.workflows.WorkflowDefinition.Http;
import eu.runlater.workflows.WorkflowDefinition.Join;
import eu.runlater.workflows.WorkflowDefinition.Sleep;
import eu.runlater.workflows.WorkflowDefinition.Step;
import eu.runlater.workflows.WorkflowDefinition.Sub;
import eu.runlater.workflows.WorkflowDefinition.Wait;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns a definition document into a {@link WorkflowDefinition}, or answers 422 listing every
 * problem, each under {@code steps.<name>.<field>} (or the top-level field): unknown fields and
 * kinds, unknown or cyclic dependencies, steps that can never run, CEL that does not compile to a
 * bool, and templates that read a step which cannot have run before the one that reads it.
 */
@Component
class DefinitionParser {
  static final int MAX_STEPS = 100;
  static final Duration MAX_WAIT = Duration.ofDays(366);
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
  private static final Pattern CEL_STEP_REF =
      Pattern.compile("\\bsteps\\.([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern CEL_STEP_INDEX =
      Pattern.compile("\\bsteps\\s*\\[\\s*[\"']([^\"']*)[\"']\\s*]");
  private static final Set<String> TOP =
      Set.of(
          "key",
          "name",
          "max_run_time",
          "input_schema",
          "concurrency",
          "on_cancel",
          "triggers",
          "steps");
  private static final Set<String> COMMON =
      Set.of("name", "kind", "depends_on", "join", "on_failure");
  private static final Set<String> HTTP_FIELDS =
      Set.of("url", "method", "headers", "secret_headers", "body", "timeout", "retries", "backoff");

  /**
   * In a stored definition only: the secret headers' values, each sealed ({@link
   * eu.runlater.engine.SecretBox}, base64), kept out of {@code headers}.
   */
  static final String SEALED_HEADERS = "sealed_headers";

  private static final Set<String> CONDITION_FIELDS = Set.of("expression", "then", "else");
  private static final Set<String> SLEEP_FIELDS = Set.of("duration", "until");
  private static final Set<String> WAIT_FIELDS = Set.of("event", "match", "timeout", "on_timeout");
  private static final Set<String> APPROVAL_FIELDS =
      Set.of("assignees", "timeout", "on_timeout", "escalate");
  private static final Set<String> SUB_FIELDS = Set.of("workflow", "input");
  private static final Set<String> ROLES = Set.of("owner", "admin", "member");
  static final Pattern EVENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");
  private static final String KINDS =
      "http, condition, sleep, wait_for_event, approval or workflow";

  private final RequestRules rules;
  private final Conditions conditions;
  private final SchemaRegistry schemas =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private volatile Schema meta;

  /** The 2020-12 meta-schema (shipped in the validator's jar), loaded on first use. */
  private Schema metaSchema() {
    Schema m = meta;
    if (m == null) {
      m = schemas.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
      meta = m;
    }
    return m;
  }

  DefinitionParser(RequestRules rules, Conditions conditions) {
    this.rules = rules;
    this.conditions = conditions;
  }

  /** The definition, or a 422 naming each problem; {@code name} falls back to the key. */
  WorkflowDefinition parse(JsonNode doc, String key) {
    return parse(doc, key, false);
  }

  private WorkflowDefinition parse(JsonNode doc, String key, boolean stored) {
    List<FieldError> errors = new ArrayList<>();
    WorkflowDefinition d = parse(doc, key, errors, stored);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return d;
  }

  /** A stored definition, trusted: it passed {@link #parse(JsonNode, String)} when saved. */
  WorkflowDefinition load(JsonNode doc, String key) {
    return parse(doc, key, true);
  }

  private WorkflowDefinition parse(
      JsonNode doc, String key, List<FieldError> errors, boolean stored) {
    if (doc == null || !doc.isObject()) {
      errors.add(new FieldError("body", "must be a JSON object: {key, name?, steps: [...]}"));
      return null;
    }
    unknown(doc, TOP, "", errors);
    String name = optionalText(doc, "name", "name", errors);
    if (name != null && (name.isBlank() || name.length() > 200)) {
      errors.add(new FieldError("name", "must be 1 to 200 characters"));
    }
    Duration maxRunTime = duration(doc.get("max_run_time"), "max_run_time", errors);
    JsonNode schema = doc.get("input_schema");
    if (schema != null && !schema.isNull()) {
      if (!schema.isObject()) {
        errors.add(new FieldError("input_schema", "must be a JSON Schema object"));
        schema = null;
      } else {
        try {
          for (var e : metaSchema().validate(schema)) {
            errors.add(
                new FieldError(
                    "input_schema" + e.getInstanceLocation().toString().replace("$", ""),
                    "is not valid JSON Schema 2020-12: " + e.getMessage()));
          }
          schemas.getSchema(schema);
        } catch (RuntimeException e) {
          errors.add(
              new FieldError("input_schema", "is not a valid JSON Schema: " + e.getMessage()));
        }
      }
    } else {
      schema = null;
    }
    var concurrency = WorkflowOptions.concurrency(doc.get("concurrency"), errors);
    String onCancel = WorkflowOptions.onCancel(doc.get("on_cancel"), errors);
    var triggers = WorkflowOptions.triggers(doc.get("triggers"), conditions, errors);
    JsonNode stepsNode = doc.get("steps");
    if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
      errors.add(new FieldError("steps", "is required: a non-empty array of steps"));
      return null;
    }
    if (stepsNode.size() > MAX_STEPS) {
      errors.add(new FieldError("steps", "at most " + MAX_STEPS + " steps"));
      return null;
    }
    Map<String, JsonNode> raw = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode s : stepsNode) {
      String at = "steps[" + i++ + "]";
      if (!s.isObject()) {
        errors.add(new FieldError(at, "must be an object"));
        continue;
      }
      JsonNode n = s.get("name");
      if (n == null || !n.isString() || !NAME.matcher(n.asString()).matches()) {
        errors.add(
            new FieldError(
                at + ".name",
                "is required: lower-case letters, digits and _, starting with a letter or _ (at"
                    + " most 64)"));
        continue;
      }
      if (raw.put(n.asString(), s) != null) {
        errors.add(
            new FieldError("steps." + n.asString() + ".name", "is used by another step already"));
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    Map<String, Step> steps = new LinkedHashMap<>();
    for (var e : raw.entrySet()) {
      Step step = step(e.getKey(), e.getValue(), raw.keySet(), errors, stored);
      if (step != null) {
        steps.put(step.name(), step);
      }
    }
    if (!errors.isEmpty()) {
      return null;
    }
    if (!acyclic(steps, errors)) {
      return null;
    }
    compensations(steps, errors);
    Map<String, Set<String>> ancestors = ancestors(steps);
    for (Step s : steps.values()) {
      reachable(s, steps, errors);
      references(s, ancestors.get(s.name()), errors);
    }
    return new WorkflowDefinition(
        name == null ? key : name,
        maxRunTime,
        schema,
        concurrency,
        onCancel,
        triggers,
        List.copyOf(steps.values()));
  }

  private Step step(
      String name, JsonNode s, Set<String> names, List<FieldError> errors, boolean stored) {
    String at = "steps." + name + ".";
    int before = errors.size();
    String kind = optionalText(s, "kind", at + "kind", errors);
    if (kind == null) {
      errors.add(new FieldError(at + "kind", "is required: " + KINDS));
      return null;
    }
    Set<String> allowed = new HashSet<>(COMMON);
    switch (kind) {
      case WorkflowDefinition.HTTP -> {
        allowed.addAll(HTTP_FIELDS);
        if (stored) {
          allowed.add(SEALED_HEADERS);
        }
      }
      case WorkflowDefinition.CONDITION -> allowed.addAll(CONDITION_FIELDS);
      case WorkflowDefinition.SLEEP -> allowed.addAll(SLEEP_FIELDS);
      case WorkflowDefinition.WAIT -> allowed.addAll(WAIT_FIELDS);
      case WorkflowDefinition.APPROVAL -> allowed.addAll(APPROVAL_FIELDS);
      case WorkflowDefinition.SUB -> allowed.addAll(SUB_FIELDS);
      default -> {
        errors.add(new FieldError(at + "kind", "must be " + KINDS));
        return null;
      }
    }
    unknown(s, allowed, at, errors);
    List<String> deps = names(s.get("depends_on"), at + "depends_on", errors);
    for (String d : deps) {
      if (!names.contains(d)) {
        errors.add(new FieldError(at + "depends_on", "names '" + d + "', which is not a step"));
      } else if (d.equals(name)) {
        errors.add(new FieldError(at + "depends_on", "names the step itself: that is a cycle"));
      }
    }
    if (new HashSet<>(deps).size() != deps.size()) {
      errors.add(new FieldError(at + "depends_on", "names a step twice"));
    }
    Join join = join(s.get("join"), deps.size(), at + "join", errors);
    boolean continueOnFailure = false;
    String compensate = null;
    JsonNode of = s.get("on_failure");
    if (of != null && of.isObject()) {
      unknown(of, Set.of("compensate"), at + "on_failure.", errors);
      compensate = optionalText(of, "compensate", at + "on_failure.compensate", errors);
      if (compensate == null || !names.contains(compensate) || compensate.equals(name)) {
        errors.add(
            new FieldError(
                at + "on_failure.compensate",
                "must name another step of this workflow, the one to run when this one fails"));
        compensate = null;
      }
    } else {
      String onFailure = optionalText(s, "on_failure", at + "on_failure", errors);
      if (onFailure != null) {
        if (!onFailure.equals("fail") && !onFailure.equals("continue")) {
          errors.add(
              new FieldError(
                  at + "on_failure",
                  "must be fail (the default), continue, or {\"compensate\": \"<step>\"}"));
        }
        continueOnFailure = onFailure.equals("continue");
      }
    }
    Http http = null;
    Condition condition = null;
    Sleep sleep = null;
    Wait wait = null;
    Approval approval = null;
    Sub sub = null;
    switch (kind) {
      case WorkflowDefinition.HTTP -> http = http(s, at, errors, stored);
      case WorkflowDefinition.APPROVAL -> approval = approval(s, at, errors);
      case WorkflowDefinition.SUB -> sub = sub(s, at, errors);
      case WorkflowDefinition.CONDITION -> condition = condition(s, at, errors);
      case WorkflowDefinition.WAIT -> wait = waitFor(s, at, errors);
      default -> sleep = sleep(s, at, errors);
    }
    if (errors.size() > before) {
      return null;
    }
    return new Step(
        name,
        kind,
        deps,
        join,
        continueOnFailure,
        http,
        condition,
        sleep,
        wait,
        approval,
        sub,
        compensate);
  }

  private Http http(JsonNode s, String at, List<FieldError> errors, boolean stored) {
    String url = optionalText(s, "url", at + "url", errors);
    if (url == null) {
      errors.add(new FieldError(at + "url", "is required: the http(s) URL to call"));
    } else if (Templates.templated(url)) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        errors.add(
            new FieldError(at + "url", "must start with http:// or https:// before any template"));
      }
    } else if (!stored) {
      // A stored URL passed this when saved; the engine checks every delivery's address again,
      // so a policy changed since (private targets no longer allowed) fails the step, never the
      // engine's outcome transaction that loads the definition.
      url = rules.url(at + "url", url, errors);
    }
    JsonNode body = s.get("body");
    if (body != null && body.isNull()) {
      body = null;
    }
    if (body != null) {
      int size = body.isString() ? body.asString().length() : body.toString().length();
      List<FieldError> sized = new ArrayList<>();
      RequestRules.checkBodySize(size, sized);
      sized.forEach(e -> errors.add(new FieldError(at + "body", e.message())));
    }
    String method = optionalText(s, "method", at + "method", errors);
    List<FieldError> local = new ArrayList<>();
    method = RequestRules.method(method, body == null ? null : new byte[0], local);
    local.forEach(e -> errors.add(new FieldError(at + e.field(), e.message())));
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = s.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        errors.add(new FieldError(at + "headers", "must be an object of header names to strings"));
      } else {
        for (var e : h.properties()) {
          String field = at + "headers." + e.getKey();
          if (!e.getValue().isString()) {
            errors.add(new FieldError(field, "must be a string"));
            continue;
          }
          if (RequestRules.header(e.getKey(), e.getValue().asString(), field, errors) != null) {
            headers.put(e.getKey(), e.getValue().asString());
          }
        }
      }
    }
    int timeoutMs = RequestRules.DEFAULT_TIMEOUT_MS;
    Duration timeout = duration(s.get("timeout"), at + "timeout", errors);
    if (timeout != null) {
      if (timeout.toMillis() < 1_000 || timeout.toMillis() > 300_000) {
        errors.add(new FieldError(at + "timeout", "must be 1s to 5m"));
      } else {
        timeoutMs = (int) timeout.toMillis();
      }
    }
    int retries = 0;
    JsonNode r = s.get("retries");
    if (r != null && !r.isNull()) {
      if (!r.isIntegralNumber() || r.asInt() < 0 || r.asInt() > RequestRules.MAX_RETRIES) {
        errors.add(new FieldError(at + "retries", "must be 0 to " + RequestRules.MAX_RETRIES));
      } else {
        retries = r.asInt();
      }
    }
    Backoff backoff = null;
    JsonNode b = s.get("backoff");
    if (b != null && !b.isNull()) {
      if (!b.isObject()) {
        errors.add(new FieldError(at + "backoff", "must be {base, max}, e.g. {\"base\": \"1s\"}"));
      } else {
        unknown(b, Set.of("base", "max"), at + "backoff.", errors);
        Duration base = duration(b.get("base"), at + "backoff.base", errors);
        Duration max = duration(b.get("max"), at + "backoff.max", errors);
        long baseMs = base == null ? Backoff.DEFAULT.baseMs() : base.toMillis();
        long maxMs = max == null ? Math.max(baseMs, Backoff.DEFAULT.maxMs()) : max.toMillis();
        if (baseMs < 100 || maxMs < baseMs || maxMs > Duration.ofDays(1).toMillis()) {
          errors.add(new FieldError(at + "backoff", "needs 100ms <= base <= max <= 1d"));
        } else {
          backoff = new Backoff((int) baseMs, (int) maxMs);
        }
      }
    }
    Map<String, String> sealed = new LinkedHashMap<>();
    JsonNode sh = stored ? s.get(SEALED_HEADERS) : null;
    if (sh != null) {
      for (var e : sh.properties()) {
        sealed.put(e.getKey(), e.getValue().asString());
      }
    }
    Set<String> secret = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    secret.addAll(sealed.keySet());
    for (String n : names(s.get("secret_headers"), at + "secret_headers", errors)) {
      if (headers.keySet().stream().noneMatch(n::equalsIgnoreCase) && !secret.contains(n)) {
        errors.add(
            new FieldError(at + "secret_headers", "names '" + n + "', which is not in headers"));
      }
      secret.add(n);
    }
    for (String n : headers.keySet()) {
      if (SealedRequests.looksSecret(n)) {
        secret.add(n);
      }
    }
    return new Http(method, url, headers, sealed, secret, body, timeoutMs, retries, backoff);
  }

  private Condition condition(JsonNode s, String at, List<FieldError> errors) {
    String expression = optionalText(s, "expression", at + "expression", errors);
    if (expression == null || expression.isBlank()) {
      errors.add(new FieldError(at + "expression", "is required: a CEL expression giving a bool"));
    } else {
      String problem = conditions.check(expression);
      if (problem != null) {
        errors.add(new FieldError(at + "expression", problem));
      }
    }
    List<String> then = names(s.get("then"), at + "then", errors);
    List<String> otherwise = names(s.get("else"), at + "else", errors);
    for (String t : then) {
      if (otherwise.contains(t)) {
        errors.add(new FieldError(at + "else", "names '" + t + "', which is in then too"));
      }
    }
    return new Condition(expression, then, otherwise);
  }

  private Wait waitFor(JsonNode s, String at, List<FieldError> errors) {
    String event = optionalText(s, "event", at + "event", errors);
    if (event == null || !EVENT.matcher(event).matches()) {
      errors.add(
          new FieldError(
              at + "event",
              "is required: the event's name (letters, digits and . _ : / -, at most 100)"));
    }
    String match = optionalText(s, "match", at + "match", errors);
    if (match != null) {
      String problem = conditions.check(match, true);
      if (problem != null) {
        errors.add(new FieldError(at + "match", problem));
      }
    }
    Duration timeout = duration(s.get("timeout"), at + "timeout", errors);
    String onTimeout = optionalText(s, "on_timeout", at + "on_timeout", errors);
    if (onTimeout != null && !onTimeout.equals("fail") && !onTimeout.equals("continue")) {
      errors.add(new FieldError(at + "on_timeout", "must be fail (the default) or continue"));
    }
    return new Wait(
        event, match, timeout == null ? MAX_WAIT : timeout, "continue".equals(onTimeout));
  }

  private Approval approval(JsonNode s, String at, List<FieldError> errors) {
    Assignees assignees = assignees(s.get("assignees"), at + "assignees", errors);
    Duration timeout = duration(s.get("timeout"), at + "timeout", errors);
    String onTimeout = optionalText(s, "on_timeout", at + "on_timeout", errors);
    if (onTimeout != null && !List.of("approve", "reject", "fail").contains(onTimeout)) {
      errors.add(
          new FieldError(at + "on_timeout", "must be fail (the default), approve or reject"));
    }
    Duration after = null;
    Assignees to = null;
    JsonNode e = s.get("escalate");
    if (e != null && !e.isNull()) {
      if (!e.isObject()) {
        errors.add(
            new FieldError(
                at + "escalate",
                "must be {after, to: {users, roles}}, e.g. {\"after\": \"1d\", \"to\":"
                    + " {\"roles\": [\"owner\"]}}"));
      } else {
        unknown(e, Set.of("after", "to"), at + "escalate.", errors);
        after = duration(e.get("after"), at + "escalate.after", errors);
        if (after == null && e.get("after") == null) {
          errors.add(new FieldError(at + "escalate.after", "is required: a duration, e.g. 1d"));
        }
        to = assignees(e.get("to"), at + "escalate.to", errors);
        if (after != null && timeout != null && after.compareTo(timeout) >= 0) {
          errors.add(
              new FieldError(
                  at + "escalate.after", "must be shorter than the timeout, or it never happens"));
        }
      }
    }
    return new Approval(
        assignees,
        timeout == null ? MAX_WAIT : timeout,
        onTimeout == null ? "fail" : onTimeout,
        after,
        to);
  }

  private static Sub sub(JsonNode s, String at, List<FieldError> errors) {
    String key = optionalText(s, "workflow", at + "workflow", errors);
    if (key == null || !WorkflowCommands.KEY.matcher(key).matches()) {
      errors.add(
          new FieldError(
              at + "workflow", "is required: the key of the workflow to run (saved before this)"));
    }
    JsonNode input = s.get("input");
    if (input != null && input.isNull()) {
      input = null;
    }
    if (input != null
        && input.toString().length() > eu.runlater.engine.TaskRequest.MAX_BODY_BYTES) {
      errors.add(new FieldError(at + "input", "must be at most 256 KB"));
    }
    return new Sub(key, input);
  }

  /** {users: [emails], roles: [owner|admin|member]}, at least one of them. */
  private static Assignees assignees(JsonNode a, String field, List<FieldError> errors) {
    List<String> users = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    if (a == null || a.isNull() || !a.isObject()) {
      errors.add(
          new FieldError(
              field,
              "is required: {users: [emails], roles: [owner, admin or member]}, at least one"));
      return new Assignees(users, roles);
    }
    unknown(a, Set.of("users", "roles"), field + ".", errors);
    for (String u : strings(a.get("users"), field + ".users", "emails", errors)) {
      String email = u.strip().toLowerCase(java.util.Locale.ROOT);
      if (eu.runlater.accounts.Users.emailProblem(email) != null) {
        errors.add(new FieldError(field + ".users", "'" + u + "' is not an email address"));
      } else if (!users.contains(email)) {
        users.add(email);
      }
    }
    for (String r : strings(a.get("roles"), field + ".roles", "roles", errors)) {
      if (!ROLES.contains(r)) {
        errors.add(
            new FieldError(field + ".roles", "'" + r + "' is not a role: owner, admin or member"));
      } else if (!roles.contains(r)) {
        roles.add(r);
      }
    }
    if (users.isEmpty() && roles.isEmpty()) {
      errors.add(new FieldError(field, "names nobody: give users (emails) or roles"));
    }
    return new Assignees(users, roles);
  }

  private Sleep sleep(JsonNode s, String at, List<FieldError> errors) {
    Duration duration = duration(s.get("duration"), at + "duration", errors);
    String untilText = optionalText(s, "until", at + "until", errors);
    Instant until = null;
    if (untilText != null) {
      try {
        until = Instant.parse(untilText);
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(at + "until", "must be an RFC 3339 time, e.g. 2027-01-01T09:00:00Z"));
      }
    }
    if ((duration == null) == (untilText == null)) {
      errors.add(new FieldError(at + "duration", "give either duration or until"));
    } else if (duration != null && duration.compareTo(MAX_WAIT) > 0) {
      errors.add(new FieldError(at + "duration", "must be at most a year"));
    }
    return new Sleep(duration, until);
  }

  private static Join join(JsonNode j, int deps, String field, List<FieldError> errors) {
    if (j == null || j.isNull()) {
      return Join.ALL;
    }
    if (j.isString() && j.asString().equals("all")) {
      return Join.ALL;
    }
    if (j.isString() && j.asString().equals("any")) {
      return Join.ANY;
    }
    if (j.isIntegralNumber()) {
      if (j.asInt() < 1 || j.asInt() > deps) {
        errors.add(
            new FieldError(
                field,
                "needs 1 to "
                    + deps
                    + " (the number of depends_on) done dependencies, got "
                    + j.asInt()));
        return Join.ALL;
      }
      return new Join("n", j.asInt());
    }
    errors.add(
        new FieldError(field, "must be all (the default), any, or a number N of depends_on"));
    return Join.ALL;
  }

  /**
   * A compensation step runs alone, when another fails: it depends on nothing (its templates may
   * read the input and the run), nothing depends on it, and it declares no compensation itself.
   */
  private static void compensations(Map<String, Step> steps, List<FieldError> errors) {
    for (Step s : steps.values()) {
      Step c = s.compensate() == null ? null : steps.get(s.compensate());
      if (c == null) {
        continue;
      }
      String at = "steps." + c.name() + ".";
      if (!c.dependsOn().isEmpty()) {
        errors.add(
            new FieldError(
                at + "depends_on",
                "must be empty: '"
                    + c.name()
                    + "' compensates '"
                    + s.name()
                    + "' and runs only when it fails"));
      }
      if (c.compensate() != null) {
        errors.add(new FieldError(at + "on_failure", "a compensation step cannot compensate"));
      }
      for (Step other : steps.values()) {
        if (other.dependsOn().contains(c.name())) {
          errors.add(
              new FieldError(
                  "steps." + other.name() + ".depends_on",
                  "names '" + c.name() + "', a compensation step, which runs only on a failure"));
        }
      }
    }
  }

  /** Depth-first search; reports the first cycle found, naming its steps in order. */
  private static boolean acyclic(Map<String, Step> steps, List<FieldError> errors) {
    Map<String, Integer> color = new HashMap<>();
    for (String start : steps.keySet()) {
      List<String> path = new ArrayList<>();
      if (cycle(start, steps, color, path)) {
        String first = path.getLast();
        List<String> loop = path.subList(path.indexOf(first), path.size());
        errors.add(
            new FieldError(
                "steps." + loop.get(loop.size() - 2) + ".depends_on",
                "forms a cycle: " + String.join(" -> ", loop.reversed())));
        return false;
      }
    }
    return true;
  }

  private static boolean cycle(
      String at, Map<String, Step> steps, Map<String, Integer> color, List<String> path) {
    Integer c = color.get(at);
    if (c != null && c == 2) {
      return false;
    }
    path.add(at);
    if (c != null && c == 1) {
      return true;
    }
    color.put(at, 1);
    for (String d : steps.get(at).dependsOn()) {
      if (cycle(d, steps, color, path)) {
        return true;
      }
    }
    color.put(at, 2);
    path.removeLast();
    return false;
  }

  /** Each step's transitive dependencies: the steps that have finished whenever it runs. */
  private static Map<String, Set<String>> ancestors(Map<String, Step> steps) {
    Map<String, Set<String>> memo = new HashMap<>();
    for (String s : steps.keySet()) {
      ancestors(s, steps, memo);
    }
    return memo;
  }

  private static Set<String> ancestors(
      String s, Map<String, Step> steps, Map<String, Set<String>> memo) {
    Set<String> known = memo.get(s);
    if (known != null) {
      return known;
    }
    Set<String> all = new LinkedHashSet<>();
    for (String d : steps.get(s).dependsOn()) {
      all.add(d);
      all.addAll(ancestors(d, steps, memo));
    }
    memo.put(s, all);
    return all;
  }

  /**
   * A step that can never run: it hangs off a condition without being on either of its branches, a
   * condition's branch names a step that does not depend on it, or it joins (all) both branches of
   * one condition.
   */
  private static void reachable(Step s, Map<String, Step> steps, List<FieldError> errors) {
    String at = "steps." + s.name() + ".";
    if (s.condition() != null) {
      for (String t : concat(s.condition().thenSteps(), s.condition().elseSteps())) {
        Step target = steps.get(t);
        if (target == null) {
          errors.add(
              new FieldError(
                  at + (s.condition().thenSteps().contains(t) ? "then" : "else"),
                  "names '" + t + "', which is not a step"));
        } else if (!target.dependsOn().contains(s.name())) {
          errors.add(
              new FieldError(
                  at + (s.condition().thenSteps().contains(t) ? "then" : "else"),
                  "names '"
                      + t
                      + "', which does not depend on '"
                      + s.name()
                      + "': add it to that step's depends_on"));
        }
      }
    }
    Set<String> seenThen = new HashSet<>();
    Set<String> seenElse = new HashSet<>();
    for (String d : s.dependsOn()) {
      Condition c = steps.get(d).condition();
      if (c == null) {
        continue;
      }
      boolean onThen = c.thenSteps().contains(s.name());
      boolean onElse = c.elseSteps().contains(s.name());
      if (!onThen && !onElse) {
        errors.add(
            new FieldError(
                at + "depends_on",
                "depends on condition '"
                    + d
                    + "' but is in neither its then nor its else, so it never runs"));
      }
      (onThen ? seenThen : seenElse).add(d);
    }
    if ("all".equals(s.join().mode())) {
      for (String c : seenThen) {
        if (seenElse.contains(c)) {
          errors.add(new FieldError(at + "join", "all can never be met"));
        }
      }
    }
  }

  /** Template and CEL references may only read the input, the run, and steps that ran before. */
  private static void references(Step s, Set<String> before, List<FieldError> errors) {
    String at = "steps." + s.name() + ".";
    if (s.http() != null) {
      check(s.name(), at + "url", List.of(s.http().url()), before, errors);
      for (var h : s.http().headers().entrySet()) {
        check(s.name(), at + "headers." + h.getKey(), List.of(h.getValue()), before, errors);
      }
      if (s.http().body() != null) {
        check(s.name(), at + "body", Templates.strings(s.http().body()), before, errors);
      }
    }
    if (s.sub() != null && s.sub().input() != null) {
      check(s.name(), at + "input", Templates.strings(s.sub().input()), before, errors);
    }
    String e =
        s.condition() != null
            ? s.condition().expression()
            : s.waitFor() != null ? s.waitFor().match() : null;
    if (e != null) {
      String field = s.condition() != null ? "expression" : "match";
      Set<String> read = new LinkedHashSet<>();
      for (Pattern p : List.of(CEL_STEP_REF, CEL_STEP_INDEX)) {
        Matcher m = p.matcher(e);
        while (m.find()) {
          read.add(m.group(1));
        }
      }
      for (String name : read) {
        if (!before.contains(name)) {
          errors.add(new FieldError(at + field, cannotHaveRun(name, s.name())));
        }
      }
    }
  }

  private static void check(
      String step, String field, List<String> texts, Set<String> before, List<FieldError> errors) {
    for (String text : texts) {
      List<String> refs;
      try {
        refs = Templates.refs(text);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(field, e.getMessage()));
        continue;
      }
      for (String ref : refs) {
        String[] parts = ref.split("\\.");
        switch (parts[0]) {
          case "input" -> {}
          case "run" -> {
            if (parts.length != 2 || !parts[1].equals("id")) {
              errors.add(new FieldError(field, "refers to '" + ref + "'; the run offers run.id"));
            }
          }
          case "steps" -> {
            if (parts.length < 3 || !parts[2].equals("output")) {
              errors.add(
                  new FieldError(
                      field, "refers to '" + ref + "'; write steps.<name>.output.<field>"));
            } else if (!before.contains(parts[1])) {
              errors.add(new FieldError(field, cannotHaveRun(parts[1], step)));
            }
          }
          default ->
              errors.add(
                  new FieldError(
                      field,
                      "refers to '"
                          + ref
                          + "'; templates read input.*, steps.<name>.output.*"
                          + " or run.id"));
        }
      }
    }
  }

  private static String cannotHaveRun(String read, String step) {
    return "reads step '"
        + read
        + "', which does not always run before '"
        + step
        + "': add it (or a step after it) to depends_on";
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> names(JsonNode node, String field, List<FieldError> errors) {
    return strings(node, field, "step names", errors);
  }

  private static List<String> strings(
      JsonNode node, String field, String what, List<FieldError> errors) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      errors.add(new FieldError(field, "must be an array of " + what));
      return out;
    }
    for (JsonNode n : node) {
      if (!n.isString()) {
        errors.add(new FieldError(field, "must be an array of " + what));
        return out;
      }
      out.add(n.asString());
    }
    return out;
  }

  private static String optionalText(
      JsonNode doc, String name, String field, List<FieldError> errors) {
    JsonNode n = doc.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return n.asString();
  }

  /** Seconds (a number) or text: 500ms, 90s, 15m, 2h, 1d, ISO-8601. */
  static Duration duration(JsonNode n, String field, List<FieldError> errors) {
    if (n == null || n.isNull()) {
      return null;
    }
    Duration d = null;
    if (n.isIntegralNumber() && n.asLong() >= 0) {
      d = Duration.ofSeconds(n.asLong());
    } else if (n.isString()) {
      d = RequestRules.parseDelay(n.asString());
    }
    if (d == null || d.isZero()) {
      errors.add(
          new FieldError(field, "must be a positive duration: seconds, or 90s, 15m, 2h, 1d"));
      return null;
    }
    if (d.compareTo(MAX_WAIT) > 0) {
      errors.add(new FieldError(field, "must be at most a year"));
      return null;
    }
    return d;
  }

  private static void unknown(
      JsonNode doc, Set<String> allowed, String at, List<FieldError> errors) {
    for (var e : doc.properties()) {
      if (!allowed.contains(e.getKey())) {
        errors.add(new FieldError(at + e.getKey(), "is not a field here"));
      }
    }
  }
}
