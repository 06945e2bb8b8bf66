package eu.runlater.alerts;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rule fields of the pages' forms (the organization's defaults, a job's or a queue's override):
 * read into {@link RuleSettings}, and a rule shown back as the form's values. Durations are typed
 * in minutes (the group window in seconds); a field that is no number is an error beside it, as is
 * any field the rules refuse.
 */
final class RuleForm {
  private RuleForm() {}

  /** The form's field names, in the order errors read. */
  static final List<String> FIELDS =
      List.of(
          "trigger",
          "consecutiveFailures",
          "failureRatePercent",
          "failureRateWindow",
          "failureRateMinRuns",
          "recovery",
          "realertEvery",
          "channelIds",
          "deadLetters",
          "depthAbove",
          "oldestWaiting",
          "groupWindow",
          "usageAlerts",
          "mutedUntil");

  /** What the form says, or the errors of the fields that say nothing a rule can hold. */
  static RuleSettings read(
      Map<String, String> form,
      List<String> channelIds,
      String scope,
      Instant now,
      Instant keptMute,
      List<FieldError> errors) {
    boolean queue = "queue".equals(scope);
    boolean organization = "organization".equals(scope);
    String trigger = form.getOrDefault("trigger", RuleSettings.FIRST_FAILURE);
    List<UUID> channels = null;
    if ("chosen".equals(form.get("channelsMode"))) {
      channels = new ArrayList<>();
      for (String id : channelIds == null ? List.<String>of() : channelIds) {
        try {
          channels.add(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
          errors.add(new FieldError("channelIds", "names a channel that does not exist"));
        }
      }
    }
    return new RuleSettings(
        trigger,
        RuleSettings.CONSECUTIVE.equals(trigger)
            ? number(form, "consecutiveFailures", errors)
            : null,
        RuleSettings.FAILURE_RATE.equals(trigger)
            ? number(form, "failureRatePercent", errors)
            : null,
        RuleSettings.FAILURE_RATE.equals(trigger)
            ? minutes(form, "failureRateWindow", errors)
            : null,
        RuleSettings.FAILURE_RATE.equals(trigger)
            ? number(form, "failureRateMinRuns", errors)
            : null,
        bool(form, "recovery"),
        minutes(form, "realertEvery", errors),
        organization ? null : mute(form.getOrDefault("mute", "keep"), now, keptMute),
        channels,
        queue ? bool(form, "deadLetters") : null,
        queue ? number(form, "depthAbove", errors) : null,
        queue ? minutes(form, "oldestWaiting", errors) : null,
        organization ? seconds(form, "groupWindow", errors) : null,
        organization ? bool(form, "usageAlerts") : null);
  }

  /** A mute choice as an instant: {@link Instant#EPOCH} unmutes, null keeps what is stored. */
  static Instant mute(String choice, Instant now, Instant kept) {
    return switch (choice) {
      case "1h" -> now.plus(Duration.ofHours(1));
      case "24h" -> now.plus(Duration.ofHours(24));
      case "forever" -> Instant.MAX;
      case "none" -> Instant.EPOCH;
      default -> kept;
    };
  }

  /** A rule as the form shows it. */
  static Map<String, String> values(RuleSettings rule) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("trigger", rule.trigger());
    v.put("consecutiveFailures", text(rule.consecutiveFailures()));
    v.put("failureRatePercent", text(rule.failureRatePercent()));
    v.put("failureRateWindow", minutes(rule.failureRateWindow()));
    v.put("failureRateMinRuns", text(rule.failureRateMinRuns()));
    v.put("recovery", text(rule.recovery()));
    v.put("realertEvery", minutes(rule.realertEvery()));
    v.put("channelsMode", rule.channelIds() == null ? "all" : "chosen");
    v.put("deadLetters", text(rule.deadLetters()));
    v.put("depthAbove", text(rule.depthAbove()));
    v.put("oldestWaiting", minutes(rule.oldestWaiting()));
    v.put("groupWindow", rule.groupWindow() == null ? "" : "" + rule.groupWindow().toSeconds());
    v.put("usageAlerts", text(rule.usageAlerts()));
    return v;
  }

  /**
   * The rules' refusal beside the form's fields: an API name ({@code consecutive_failures}, {@code
   * failure_rate_window}) finds its field whatever its case; the rest goes to {@code form}.
   */
  static Map<String, String> errors(List<FieldError> mine, ApiProblem problem) {
    Map<String, String> byField = new LinkedHashMap<>();
    List<FieldError> all = new ArrayList<>(mine);
    if (problem != null) {
      if (problem.errors().isEmpty()) {
        all.add(new FieldError("form", problem.getMessage()));
      }
      all.addAll(problem.errors());
    }
    for (FieldError e : all) {
      String field = field(e.field());
      String message =
          field.equals("form") ? e.message() : label(field) + " " + inMinutes(field, e) + ".";
      byField.merge(field, message, (a, b) -> a + " " + b);
    }
    return byField;
  }

  private static final java.util.regex.Pattern BETWEEN =
      java.util.regex.Pattern.compile("must be between (\\d+) and (\\d+)");

  /** The rules count seconds; the form asks for minutes: say the bounds in the form's unit. */
  private static String inMinutes(String field, FieldError e) {
    var m = BETWEEN.matcher(e.message());
    if (e.field().endsWith("seconds") && !field.equals("groupWindow") && m.matches()) {
      return "must be between "
          + Long.parseLong(m.group(1)) / 60
          + " and "
          + Long.parseLong(m.group(2)) / 60
          + " minutes";
    }
    return e.message();
  }

  static String field(String apiName) {
    String key = normal(apiName);
    // failure_rate_window_s, realert_every_s: a stored name's unit suffix still finds the field.
    for (String f : FIELDS) {
      if (!key.isEmpty() && (key.equals(normal(f)) || key.startsWith(normal(f)))) {
        return f;
      }
    }
    return "form";
  }

  private static String normal(String name) {
    String n = name == null ? "" : name;
    int dot = n.lastIndexOf('.');
    n = dot >= 0 ? n.substring(dot + 1) : n;
    n = n.replaceAll("\\[.*]", "").replace("_", "").toLowerCase(Locale.ROOT);
    return n;
  }

  static String label(String field) {
    return switch (field) {
      case "trigger" -> "Trigger";
      case "consecutiveFailures" -> "Failures in a row";
      case "failureRatePercent" -> "Failure rate";
      case "failureRateWindow" -> "Rate window";
      case "failureRateMinRuns" -> "Minimum runs";
      case "recovery" -> "Recovery notice";
      case "realertEvery" -> "Re-alert every";
      case "channelIds" -> "Channels";
      case "deadLetters" -> "Dead letters";
      case "depthAbove" -> "Depth above";
      case "oldestWaiting" -> "Oldest waiting";
      case "groupWindow" -> "Group window";
      case "usageAlerts" -> "Usage alerts";
      case "mutedUntil" -> "Mute";
      default -> "";
    };
  }

  private static Integer number(Map<String, String> form, String field, List<FieldError> errors) {
    String value = form.getOrDefault(field, "").strip();
    if (value.isEmpty()) {
      return null;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      errors.add(new FieldError(field, "must be a whole number"));
      return null;
    }
  }

  private static Duration minutes(Map<String, String> form, String field, List<FieldError> errors) {
    Integer n = number(form, field, errors);
    return n == null ? null : Duration.ofMinutes(n);
  }

  private static Duration seconds(Map<String, String> form, String field, List<FieldError> errors) {
    Integer n = number(form, field, errors);
    return n == null ? null : Duration.ofSeconds(n);
  }

  private static Boolean bool(Map<String, String> form, String field) {
    String value = form.get(field);
    return value == null || value.isBlank() ? null : Boolean.valueOf(value);
  }

  private static String minutes(Duration d) {
    return d == null ? "" : "" + d.toMinutes();
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }
}
