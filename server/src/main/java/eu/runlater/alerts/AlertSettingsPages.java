package eu.runlater.alerts;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.SettingsTabs;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings → Notifications: the organization's channels (add, edit, send a test, delete), its
 * default rule and its maintenance windows. Members see it all; admins and owners change it. A
 * refused change shows the page again with each error beside its field and what was typed kept.
 */
@Pages
class AlertSettingsPages {
  static final String PATH = "/settings/notifications";
  static final Duration TEST_WAIT = Duration.ofSeconds(10);
  static final List<String> ZONES =
      ZoneId.getAvailableZoneIds().stream()
          .filter(z -> z.contains("/") || z.equals("UTC"))
          .sorted()
          .toList();

  private final AlertChannels channels;
  private final NotificationLog log;
  private final AlertRules rules;
  private final MaintenanceWindows windows;
  private final InstantSource clock;

  AlertSettingsPages(
      AlertChannels channels,
      NotificationLog log,
      AlertRules rules,
      MaintenanceWindows windows,
      InstantSource clock) {
    this.channels = channels;
    this.log = log;
    this.rules = rules;
    this.windows = windows;
    this.clock = clock;
  }

  /** A channel's row: where it sends (masked) and how its last message went. */
  record ChannelRow(
      Channel channel, String kindLabel, String target, NotificationLog.Notification last) {}

  @GetMapping(PATH)
  String page(Viewer viewer, Model model) {
    return show(viewer, model);
  }

  private String show(Viewer viewer, Model model) {
    UUID org = viewer.organizationId();
    SettingsTabs.show(model, viewer, "notifications");
    model.addAttribute("mayChange", viewer.may(Permission.MANAGE_ORGANIZATION));
    List<Channel> list = channels.list(org);
    model.addAttribute(
        "channels",
        list.stream()
            .map(
                c ->
                    new ChannelRow(
                        c,
                        ChannelForms.label(c.kind()),
                        ChannelForms.target(c),
                        log
                            .list(
                                org, new NotificationLog.Filter(c.id(), null, null, null), null, 1)
                            .stream()
                            .findFirst()
                            .orElse(null)))
            .toList());
    model.addAttribute("kinds", ChannelForms.KINDS);
    if (!model.containsAttribute("ruleValues")) {
      model.addAttribute(
          "ruleValues", RuleForm.values(rules.defaults(org).over(RuleSettings.BUILT_IN)));
    }
    model.addAttribute("ruleChannels", chosen(rules.defaults(org).channelIds()));
    model.addAttribute("windows", windows.list(org));
    model.addAttribute("zones", ZONES);
    model.addAttribute("now", clock.instant());
    return "alerts/settings";
  }

  private static List<String> chosen(List<UUID> ids) {
    return ids == null ? List.of() : ids.stream().map(UUID::toString).toList();
  }

  // ---- Channels

  @PostMapping(PATH + "/channels")
  String create(
      Viewer viewer,
      @RequestParam Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "add channels");
    String kindName = form.getOrDefault("kind", "");
    ChannelKind kind;
    try {
      kind = ChannelKind.fromApi(kindName);
    } catch (IllegalArgumentException e) {
      return refusedChannel(viewer, model, response, form, Map.of("kind", "Choose a kind."));
    }
    ChannelInput input =
        new ChannelInput(
            form.getOrDefault("name", "").strip(),
            kind.apiName(),
            ChannelForms.settings(kind, form),
            form.containsKey("optIn"),
            true);
    try {
      Channel created = channels.create(viewer.organizationId(), input);
      redirect.addFlashAttribute("flash", "Added channel " + created.name() + ".");
      return "redirect:" + PATH;
    } catch (ApiProblem problem) {
      return refusedChannel(viewer, model, response, form, channelErrors(kind, problem));
    }
  }

  private String refusedChannel(
      Viewer viewer,
      Model model,
      HttpServletResponse response,
      Map<String, String> form,
      Map<String, String> errors) {
    model.addAttribute("channelErrors", errors);
    model.addAttribute("channelInput", form);
    model.addAttribute(
        "flashError", "The channel was not saved: " + String.join(" ", errors.values()));
    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
    return show(viewer, model);
  }

  /**
   * A problem's fields as the form names them: {@code settings.webhook_url} → {@code
   * slack.webhook_url}.
   */
  static Map<String, String> channelErrors(ChannelKind kind, ApiProblem problem) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (problem.errors().isEmpty()) {
      errors.put("form", problem.getMessage());
    }
    for (FieldError e : problem.errors()) {
      String field = e.field();
      String key;
      String label;
      if (field.equals("name") || field.equals("kind")) {
        key = field;
        label = field.equals("name") ? "Name" : "Kind";
      } else {
        String setting =
            field.startsWith("settings.") ? field.substring("settings.".length()) : field;
        ChannelForms.Field match =
            ChannelForms.of(kind).fields().stream()
                .filter(f -> f.name().equals(setting))
                .findFirst()
                .orElse(null);
        key = match == null ? "form" : kind.apiName() + "." + match.name();
        label = match == null ? field : match.label();
      }
      errors.merge(key, label + " " + e.message() + ".", (a, b) -> a + " " + b);
    }
    return errors;
  }

  @GetMapping(PATH + "/channels/{id}/edit")
  String edit(Viewer viewer, @PathVariable UUID id, Model model) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "change channels");
    Channel channel = channel(viewer, id);
    editModel(model, channel);
    SettingsTabs.show(model, viewer, "notifications");
    return "alerts/channel-edit";
  }

  @PostMapping(PATH + "/channels/{id}")
  String update(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "change channels");
    Channel channel = channel(viewer, id);
    ChannelInput input =
        new ChannelInput(
            form.getOrDefault("name", "").strip(),
            null,
            ChannelForms.settings(channel.kind(), form),
            form.containsKey("optIn"),
            form.containsKey("enabled"));
    try {
      Channel saved = channels.update(viewer.organizationId(), id, input);
      redirect.addFlashAttribute("flash", "Saved channel " + saved.name() + ".");
      return "redirect:" + PATH;
    } catch (ApiProblem problem) {
      Map<String, String> errors = channelErrors(channel.kind(), problem);
      editModel(model, channel);
      model.addAttribute("channelErrors", errors);
      model.addAttribute("channelInput", form);
      model.addAttribute(
          "flashError", "The channel was not saved: " + String.join(" ", errors.values()));
      SettingsTabs.show(model, viewer, "notifications");
      response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
      return "alerts/channel-edit";
    }
  }

  private static void editModel(Model model, Channel channel) {
    ChannelForms.KindForm kind = ChannelForms.of(channel.kind());
    Map<String, String> stored = new LinkedHashMap<>();
    for (ChannelForms.Field f : kind.fields()) {
      stored.put(kind.api() + "." + f.name(), ChannelForms.shown(channel, f));
    }
    model.addAttribute("channel", channel);
    model.addAttribute("kindForm", kind);
    model.addAttribute("stored", stored);
  }

  /**
   * Sends a test and shows the target's answer: in place (htmx) or on the page. Members may not: a
   * test reaches people.
   */
  @PostMapping(PATH + "/channels/{id}/test")
  String test(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "send tests");
    Channel channel = channel(viewer, id);
    AlertChannels.TestResult result;
    try {
      result = channels.sendTest(viewer.organizationId(), id, TEST_WAIT);
    } catch (ApiProblem problem) {
      result = new AlertChannels.TestResult(null, "failed", null, null, problem.getMessage());
    }
    model.addAttribute("test", result);
    model.addAttribute("testChannel", channel);
    return htmx != null ? "alerts/settings :: test" : show(viewer, model);
  }

  @PostMapping(PATH + "/channels/{id}/delete")
  String delete(
      Viewer viewer,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "false") boolean detach,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "delete channels");
    Channel channel = channel(viewer, id);
    try {
      channels.delete(viewer.organizationId(), id, detach);
    } catch (ApiProblem problem) {
      if (problem.status() != HttpStatus.CONFLICT) {
        throw problem;
      }
      // Used by rules: say which, and offer to take it out of them.
      model.addAttribute("refused", channel);
      model.addAttribute("refusedBy", channels.rulesNaming(viewer.organizationId(), id));
      response.setStatus(HttpStatus.CONFLICT.value());
      return show(viewer, model);
    }
    redirect.addFlashAttribute(
        "flash",
        "Deleted channel " + channel.name() + (detach ? " and took it out of its rules." : "."));
    return "redirect:" + PATH;
  }

  private Channel channel(Viewer viewer, UUID id) {
    return channels
        .find(viewer.organizationId(), id)
        .orElseThrow(() -> new PageException(HttpStatus.NOT_FOUND, "There is no such channel."));
  }

  // ---- Default rule

  @PostMapping(PATH + "/rules")
  String saveDefaults(
      Viewer viewer,
      @RequestParam Map<String, String> form,
      @RequestParam(name = "channelIds", required = false) List<String> channelIds,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "change the default rule");
    List<FieldError> errors = new ArrayList<>();
    RuleSettings settings =
        RuleForm.read(form, channelIds, "organization", clock.instant(), null, errors);
    ApiProblem problem = null;
    if (errors.isEmpty()) {
      try {
        rules.putDefaults(viewer.organizationId(), settings);
        redirect.addFlashAttribute("flash", "Saved the default rule.");
        return "redirect:" + PATH + "#rules";
      } catch (ApiProblem refused) {
        problem = refused;
      }
    }
    Map<String, String> byField = RuleForm.errors(errors, problem);
    model.addAttribute("ruleErrors", byField);
    model.addAttribute("ruleValues", form);
    model.addAttribute(
        "flashError", "The default rule was not saved: " + String.join(" ", byField.values()));
    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
    return show(viewer, model);
  }

  // ---- Maintenance windows

  @PostMapping(PATH + "/windows")
  String createWindow(
      Viewer viewer,
      @RequestParam Map<String, String> form,
      Model model,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "add maintenance windows");
    List<FieldError> errors = new ArrayList<>();
    MaintenanceWindows.WindowInput input = window(form, errors);
    ApiProblem problem = null;
    if (errors.isEmpty()) {
      try {
        MaintenanceWindows.Window created = windows.create(viewer.organizationId(), input);
        redirect.addFlashAttribute("flash", "Added maintenance window " + created.name() + ".");
        return "redirect:" + PATH + "#windows";
      } catch (ApiProblem refused) {
        problem = refused;
      }
    }
    Map<String, String> byField = windowErrors(errors, problem);
    model.addAttribute("windowErrors", byField);
    model.addAttribute("windowInput", form);
    model.addAttribute(
        "flashError",
        "The maintenance window was not saved: " + String.join(" ", byField.values()));
    response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
    return show(viewer, model);
  }

  @PostMapping(PATH + "/windows/{id}/delete")
  String deleteWindow(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "delete maintenance windows");
    windows.delete(viewer.organizationId(), id);
    redirect.addFlashAttribute("flash", "Deleted the maintenance window.");
    return "redirect:" + PATH + "#windows";
  }

  /** One-off: from and until typed in the chosen zone; recurring: cron, zone and a duration. */
  static MaintenanceWindows.WindowInput window(Map<String, String> form, List<FieldError> errors) {
    String zoneName = form.getOrDefault("timeZone", "UTC").strip();
    ZoneId zone = ZoneId.of("UTC");
    try {
      zone = ZoneId.of(zoneName.isEmpty() ? "UTC" : zoneName);
    } catch (DateTimeException e) {
      errors.add(new FieldError("time_zone", "is no time zone (try Europe/Oslo)"));
    }
    String name = form.getOrDefault("name", "").strip();
    if ("recurring".equals(form.get("type"))) {
      Duration duration = null;
      try {
        duration = Duration.ofMinutes(Long.parseLong(form.getOrDefault("duration", "").strip()));
      } catch (NumberFormatException e) {
        errors.add(new FieldError("duration", "must be a whole number of minutes"));
      }
      return new MaintenanceWindows.WindowInput(
          name, null, null, form.getOrDefault("cron", "").strip(), zone.getId(), duration);
    }
    Instant from = local(form.get("startsAt"), zone, "starts_at", errors);
    Instant until = local(form.get("endsAt"), zone, "ends_at", errors);
    return new MaintenanceWindows.WindowInput(name, from, until, null, zone.getId(), null);
  }

  private static Instant local(String value, ZoneId zone, String field, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    try {
      return LocalDateTime.parse(value.strip()).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      errors.add(new FieldError(field, "must be a date and time"));
      return null;
    }
  }

  private static final Map<String, String> WINDOW_FIELDS =
      Map.of(
          "name", "name",
          "starts_at", "startsAt",
          "ends_at", "endsAt",
          "cron", "cron",
          "time_zone", "timeZone",
          "timezone", "timeZone",
          "duration", "duration",
          "duration_seconds", "duration",
          "duration_minutes", "duration");

  private static final Map<String, String> WINDOW_LABELS =
      Map.of(
          "name", "Name",
          "startsAt", "From",
          "endsAt", "Until",
          "cron", "Cron",
          "timeZone", "Time zone",
          "duration", "Duration");

  static Map<String, String> windowErrors(List<FieldError> mine, ApiProblem problem) {
    List<FieldError> all = new ArrayList<>(mine);
    Map<String, String> byField = new LinkedHashMap<>();
    if (problem != null) {
      if (problem.errors().isEmpty()) {
        byField.put("form", problem.getMessage());
      }
      all.addAll(problem.errors());
    }
    for (FieldError e : all) {
      String field =
          WINDOW_FIELDS.getOrDefault(
              e.field(), WINDOW_FIELDS.getOrDefault(snake(e.field()), "form"));
      String said =
          e.field().equals("duration_seconds") && e.message().startsWith("must be between")
              ? "must be between 1 minute and 7 days"
              : e.message();
      String message =
          field.equals("form")
              ? e.field() + " " + said + "."
              : WINDOW_LABELS.get(field) + " " + said + ".";
      byField.merge(field, message, (a, b) -> a + " " + b);
    }
    return byField;
  }

  private static String snake(String name) {
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
