package eu.runlater.alerts;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Saves the alerts section of a job's or a queue's page: back to the organization's defaults, or
 * its own rule ({@link AlertRules#putOverride}); a refusal goes back to the page with each error
 * beside its field. Also the mute page every alert message links to.
 */
@Pages
class AlertSectionPages {
  static final List<String> KINDS = List.of("job", "queue", "monitor", "workflow");

  private final AlertRules rules;
  private final List<AlertSubjects> subjects;
  private final InstantSource clock;

  AlertSectionPages(AlertRules rules, List<AlertSubjects> subjects, InstantSource clock) {
    this.rules = rules;
    this.subjects = subjects;
    this.clock = clock;
  }

  @PostMapping("/alerts/rules/{kind}/{id}")
  String save(
      Viewer viewer,
      @PathVariable String kind,
      @PathVariable UUID id,
      @RequestParam Map<String, String> form,
      @RequestParam(name = "channelIds", required = false) List<String> channelIds,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "change alert rules");
    requireKind(kind);
    UUID org = viewer.organizationId();
    String back = back(org, kind, id, form.get("back"));
    Instant now = clock.instant();
    RuleSettings stored = rules.override(org, kind, id);
    List<FieldError> errors = new ArrayList<>();
    ApiProblem problem = null;
    try {
      if ("custom".equals(form.get("mode"))) {
        RuleSettings settings =
            RuleForm.read(form, channelIds, kind, now, stored.mutedUntil(), errors);
        if (errors.isEmpty()) {
          rules.putOverride(org, kind, id, settings);
          redirect.addFlashAttribute("flash", "Saved its own alert rule.");
          return "redirect:" + back + "#alerts";
        }
      } else {
        Instant mute = RuleForm.mute(form.getOrDefault("mute", "keep"), now, stored.mutedUntil());
        if (mute != null && mute.isAfter(now)) {
          // Back to the defaults, the mute kept (or set): an override that says only that.
          rules.putOverride(org, kind, id, muteOnly(mute));
        } else {
          rules.deleteOverride(org, kind, id);
        }
        redirect.addFlashAttribute("flash", "It follows the organization's default alert rule.");
        return "redirect:" + back + "#alerts";
      }
    } catch (ApiProblem refused) {
      problem = refused;
    }
    Map<String, String> byField = RuleForm.errors(errors, problem);
    redirect.addFlashAttribute("alertErrors", byField);
    redirect.addFlashAttribute("alertValues", form);
    redirect.addFlashAttribute("alertChosen", channelIds == null ? List.of() : channelIds);
    redirect.addFlashAttribute(
        "flashError", "The alert rule was not saved: " + String.join(" ", byField.values()));
    return "redirect:" + back + "#alerts";
  }

  static RuleSettings muteOnly(Instant until) {
    return new RuleSettings(
        null, null, null, null, null, null, null, until, null, null, null, null, null, null);
  }

  // ---- Mute page

  /** What a mute link names: {@code job:<id>}. */
  record Subject(String kind, UUID id, String name, String path) {}

  @GetMapping("/alerts/mute")
  String mutePage(Viewer viewer, @RequestParam String subject, org.springframework.ui.Model model) {
    Subject s = subject(viewer.organizationId(), subject);
    RuleSettings effective = rules.effective(viewer.organizationId(), s.kind(), s.id());
    Instant now = clock.instant();
    model.addAttribute("subject", s);
    model.addAttribute("reference", subject);
    model.addAttribute("mutedUntil", effective.mutedAt(now) ? effective.mutedUntil() : null);
    model.addAttribute("forever", Instant.MAX.equals(effective.mutedUntil()));
    model.addAttribute("mayMute", viewer.may(Permission.OPERATE));
    return "alerts/mute";
  }

  @PostMapping("/alerts/mute")
  String mute(
      Viewer viewer,
      @RequestParam String subject,
      @RequestParam String mute,
      RedirectAttributes redirect) {
    // Muting is operating: whoever may pause a job may silence it.
    viewer.require(Permission.OPERATE, "mute alerts");
    UUID org = viewer.organizationId();
    Subject s = subject(org, subject);
    Instant now = clock.instant();
    RuleSettings stored = rules.override(org, s.kind(), s.id());
    Instant until = RuleForm.mute(mute, now, stored.mutedUntil());
    RuleSettings changed =
        new RuleSettings(
            stored.trigger(),
            stored.consecutiveFailures(),
            stored.failureRatePercent(),
            stored.failureRateWindow(),
            stored.failureRateMinRuns(),
            stored.recovery(),
            stored.realertEvery(),
            until,
            stored.channelIds(),
            stored.deadLetters(),
            stored.depthAbove(),
            stored.oldestWaiting(),
            stored.groupWindow(),
            stored.usageAlerts());
    if (Instant.EPOCH.equals(until)
        && RuleSettings.INHERIT.equals(AlertSections.withoutMute(stored))
        && !rules.defaults(org).mutedAt(now)) {
      // Nothing else was said for it: unmuting is going back to the defaults.
      rules.deleteOverride(org, s.kind(), s.id());
    } else {
      rules.putOverride(org, s.kind(), s.id(), changed);
    }
    redirect.addFlashAttribute(
        "flash",
        Instant.EPOCH.equals(until)
            ? "Unmuted " + s.name() + ": its alerts go out again."
            : "Muted " + s.name() + (Instant.MAX.equals(until) ? " until you unmute it." : "."));
    return "redirect:/alerts/mute?subject=" + s.kind() + ":" + s.id();
  }

  private Subject subject(UUID org, String reference) {
    int colon = reference.indexOf(':');
    String kind = colon > 0 ? reference.substring(0, colon) : "";
    requireKind(kind);
    UUID id = NotificationPages.uuid(reference.substring(colon + 1));
    if (id == null) {
      throw new PageException(HttpStatus.NOT_FOUND, "There is no such " + kind + ".");
    }
    Optional<AlertSubjects.Subject> named = describe(org, kind, id);
    return named
        .map(n -> new Subject(kind, id, n.name(), n.path()))
        .orElseThrow(
            () -> new PageException(HttpStatus.NOT_FOUND, "There is no such " + kind + "."));
  }

  private Optional<AlertSubjects.Subject> describe(UUID org, String kind, UUID id) {
    return subjects.stream()
        .filter(s -> s.kind().equals(kind))
        .findFirst()
        .map(s -> s.describe(org, List.of(id)).get(id));
  }

  /** The subject's page: as its module names it, or the page the form came from. */
  private String back(UUID org, String kind, UUID id, String fromForm) {
    Optional<AlertSubjects.Subject> named = describe(org, kind, id);
    if (named.isPresent()) {
      return named.get().path();
    }
    if (fromForm != null
        && (fromForm.startsWith("/jobs/") || fromForm.startsWith("/queues/"))
        && !fromForm.contains("//")
        && !fromForm.contains("\\")) {
      return fromForm;
    }
    throw new PageException(HttpStatus.NOT_FOUND, "There is no such " + kind + ".");
  }

  private static void requireKind(String kind) {
    if (!KINDS.contains(kind)) {
      throw new PageException(HttpStatus.NOT_FOUND, "There is nothing to alert about named so.");
    }
  }
}
