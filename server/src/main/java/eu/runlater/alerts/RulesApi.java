package eu.runlater.alerts;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alert rules: the organization's defaults and the overrides of jobs, queues, monitors and
 * workflows.
 */
@RestController
@RequestMapping("/api/v1/alert-rules")
@Tag(name = "Alert rules")
class RulesApi {
  static final String RULE_FIELDS =
      "trigger (first_failure | consecutive | failure_rate), consecutive_failures (2-100),"
          + " failure_rate_percent (1-100), failure_rate_window_seconds (60-86400),"
          + " failure_rate_min_runs (1-10000), recovery, realert_every_seconds (0 off, or"
          + " 60-2592000), muted_until (RFC 3339, \"forever\", or \"never\" to unmute against a"
          + " muted default), channel_ids (null: every channel that is not opt-in; a list: those,"
          + " opt-in ones included). Queues add dead_letters, depth_above (0 off),"
          + " oldest_waiting_seconds (0 off, or 60-2592000). A field left out or null inherits.";

  private final AlertRules rules;
  private final Map<String, AlertSubjects> subjects = new HashMap<>();

  RulesApi(AlertRules rules, List<AlertSubjects> subjects) {
    this.rules = rules;
    subjects.forEach(s -> this.subjects.put(s.kind(), s));
  }

  /** A rule as the API reads and writes it. */
  record RuleBody(
      String trigger,
      Integer consecutiveFailures,
      Integer failureRatePercent,
      Integer failureRateWindowSeconds,
      Integer failureRateMinRuns,
      Boolean recovery,
      Integer realertEverySeconds,
      String mutedUntil,
      List<UUID> channelIds,
      Boolean deadLetters,
      Integer depthAbove,
      Integer oldestWaitingSeconds,
      Integer groupWindowSeconds,
      Boolean usageAlerts) {

    static final RuleBody EMPTY =
        new RuleBody(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    static RuleBody of(RuleSettings s) {
      return new RuleBody(
          s.trigger(),
          s.consecutiveFailures(),
          s.failureRatePercent(),
          AlertRules.seconds(s.failureRateWindow()),
          s.failureRateMinRuns(),
          s.recovery(),
          AlertRules.seconds(s.realertEvery()),
          s.mutedUntil() == null
              ? null
              : Instant.MAX.equals(s.mutedUntil())
                  ? "forever"
                  : Instant.EPOCH.equals(s.mutedUntil()) ? "never" : s.mutedUntil().toString(),
          s.channelIds(),
          s.deadLetters(),
          s.depthAbove(),
          AlertRules.seconds(s.oldestWaiting()),
          AlertRules.seconds(s.groupWindow()),
          s.usageAlerts());
    }

    RuleSettings settings() {
      return new RuleSettings(
          trigger,
          consecutiveFailures,
          failureRatePercent,
          seconds(failureRateWindowSeconds),
          failureRateMinRuns,
          recovery,
          seconds(realertEverySeconds),
          muted(mutedUntil),
          channelIds == null ? null : List.copyOf(channelIds),
          deadLetters,
          depthAbove,
          seconds(oldestWaitingSeconds),
          seconds(groupWindowSeconds),
          usageAlerts);
    }

    private static Duration seconds(Integer s) {
      return s == null ? null : Duration.ofSeconds(s);
    }

    private static Instant muted(String text) {
      if (text == null || text.isBlank()) {
        return null;
      }
      return switch (text.strip()) {
        case "forever" -> Instant.MAX;
        case "never" -> Instant.EPOCH;
        default -> {
          try {
            yield OffsetDateTime.parse(text.strip()).toInstant();
          } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(
                "muted_until", "must be an RFC 3339 time, \"forever\" or \"never\"");
          }
        }
      };
    }
  }

  /**
   * A subject's rule.
   *
   * @param rule what the subject sets itself (null fields inherit)
   * @param effective what applies: the rule over the defaults over the built-in one
   */
  record SubjectRule(String subjectKind, UUID subjectId, RuleBody rule, RuleBody effective) {}

  @GetMapping("/default")
  @Operation(
      summary = "The organization's default rule",
      description =
          "Null fields take the built-in rule: first failure, recovery on, no re-alert, every"
              + " channel that is not opt-in, a 60 s group window, usage alerts on.")
  SubjectRule getDefaults(@AuthenticationPrincipal ApiPrincipal caller) {
    UUID org = caller.organizationId();
    return new SubjectRule(
        AlertRules.ORGANIZATION,
        org,
        RuleBody.of(rules.defaults(org)),
        RuleBody.of(rules.defaults(org).over(RuleSettings.BUILT_IN)));
  }

  @PutMapping("/default")
  @Operation(
      summary = "Replace the organization's default rule",
      description =
          RULE_FIELDS
              + " The defaults add group_window_seconds (0-3600: failures within it of a grouped"
              + " message go in one follow-up) and usage_alerts (80 % and 100 % of the monthly"
              + " quota).")
  SubjectRule putDefaults(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody(required = false) RuleBody body) {
    UUID org = caller.organizationId();
    rules.putDefaults(org, (body == null ? RuleBody.EMPTY : body).settings());
    return getDefaults(caller);
  }

  @GetMapping("/{kind}/{reference}")
  @Operation(
      summary = "A job's, queue's, monitor's or workflow's rule and what applies to it",
      description =
          "kind is jobs, queues, monitors or workflows; a queue is named by its name or id, a"
              + " workflow by its key or id.")
  SubjectRule get(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String kind,
      @PathVariable String reference) {
    String subjectKind = kind(kind);
    UUID id = resolve(caller.organizationId(), subjectKind, reference);
    return view(caller.organizationId(), subjectKind, id);
  }

  @PutMapping("/{kind}/{reference}")
  @Operation(
      summary = "Replace a job's, queue's, monitor's or workflow's rule",
      description = RULE_FIELDS)
  SubjectRule put(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String kind,
      @PathVariable String reference,
      @RequestBody(required = false) RuleBody body) {
    String subjectKind = kind(kind);
    UUID id = resolve(caller.organizationId(), subjectKind, reference);
    rules.putOverride(
        caller.organizationId(),
        subjectKind,
        id,
        (body == null ? RuleBody.EMPTY : body).settings());
    return view(caller.organizationId(), subjectKind, id);
  }

  @DeleteMapping("/{kind}/{reference}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Remove a subject's rule: it follows the defaults again")
  void delete(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String kind,
      @PathVariable String reference) {
    String subjectKind = kind(kind);
    UUID id = resolve(caller.organizationId(), subjectKind, reference);
    rules.deleteOverride(caller.organizationId(), subjectKind, id);
  }

  private SubjectRule view(UUID org, String kind, UUID id) {
    return new SubjectRule(
        kind,
        id,
        RuleBody.of(rules.override(org, kind, id)),
        RuleBody.of(rules.effective(org, kind, id)));
  }

  private static String kind(String plural) {
    return switch (plural) {
      case "jobs" -> "job";
      case "queues" -> "queue";
      case "monitors" -> "monitor";
      case "workflows" -> "workflow";
      default ->
          throw new ApiProblem(
              HttpStatus.NOT_FOUND,
              "not-found",
              "Not found",
              "No rules for " + plural + "; use jobs, queues, monitors or workflows.");
    };
  }

  private UUID resolve(UUID org, String kind, String reference) {
    AlertSubjects s = subjects.get(kind);
    return (s == null ? java.util.Optional.<UUID>empty() : s.resolve(org, reference))
        .orElseThrow(() -> ApiProblem.notFound(kind, reference));
  }
}
