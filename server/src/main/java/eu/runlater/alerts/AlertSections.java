package eu.runlater.alerts;

import eu.runlater.organizations.Permission;
import eu.runlater.organizations.Viewer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The alerts section of a job's or a queue's page, for the modules that own those pages: the
 * override as the form shows it, what applies, the channels to choose from and the open incident.
 * The form posts to {@code /alerts/rules/<kind>/<id>} ({@link AlertSectionPages}).
 */
@Component
public class AlertSections {
  private final AlertRules rules;
  private final AlertChannels channels;
  private final Incidents incidents;
  private final InstantSource clock;

  AlertSections(
      AlertRules rules, AlertChannels channels, Incidents incidents, InstantSource clock) {
    this.rules = rules;
    this.channels = channels;
    this.incidents = incidents;
    this.clock = clock;
  }

  /**
   * @param custom whether the subject has its own rule (else it follows the defaults)
   * @param values the form's values: the override over what applies
   * @param effective what applies now, in words for the summary
   * @param chosen the ids of the channels the rule names
   * @param mutedUntil muted until then, or null ({@link Instant#MAX}: until unmuted)
   * @param incident its open incident, or null
   */
  public record Section(
      String kind,
      UUID subjectId,
      boolean custom,
      Map<String, String> values,
      RuleSettings effective,
      List<Option> channels,
      List<String> chosen,
      Instant mutedUntil,
      Incidents.Incident incident,
      boolean mayChange) {

    public boolean muted() {
      return mutedUntil != null;
    }

    public boolean mutedForever() {
      return Instant.MAX.equals(mutedUntil);
    }
  }

  /** A channel to choose. */
  public record Option(UUID id, String name, String kind, boolean optIn) {}

  public Section of(Viewer viewer, String kind, UUID subjectId) {
    UUID org = viewer.organizationId();
    Instant now = clock.instant();
    RuleSettings override = rules.override(org, kind, subjectId);
    RuleSettings effective = rules.effective(org, kind, subjectId);
    boolean custom = !RuleSettings.INHERIT.equals(withoutMute(override));
    List<Option> options =
        channels.list(org).stream()
            .map(c -> new Option(c.id(), c.name(), ChannelForms.label(c.kind()), c.optIn()))
            .toList();
    Incidents.Incident incident = incidents.open(org, kind, List.of(subjectId)).get(subjectId);
    return new Section(
        kind,
        subjectId,
        custom,
        RuleForm.values(effective),
        effective,
        options,
        effective.channelIds() == null
            ? List.of()
            : effective.channelIds().stream().map(UUID::toString).toList(),
        effective.mutedAt(now) ? effective.mutedUntil() : null,
        incident,
        viewer.may(Permission.MANAGE_ORGANIZATION));
  }

  static RuleSettings withoutMute(RuleSettings s) {
    return new RuleSettings(
        s.trigger(),
        s.consecutiveFailures(),
        s.failureRatePercent(),
        s.failureRateWindow(),
        s.failureRateMinRuns(),
        s.recovery(),
        s.realertEvery(),
        null,
        s.channelIds(),
        s.deadLetters(),
        s.depthAbove(),
        s.oldestWaiting(),
        s.groupWindow(),
        s.usageAlerts());
  }
}
