package eu.runlater.status;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A status page as the public sees it at one moment: its components in groups with their current
 * state and 90 days of uptime, its incidents (active, scheduled maintenance, past) with their
 * updates. Built by {@link StatusSnapshots}; served from {@link PublicCache} as HTML, JSON and
 * feeds. Immutable, so one snapshot serves every request until it expires.
 *
 * @param page null for the instance's own page ({@code /status})
 * @param state the worst state of its components ({@link StatusSnapshotStates})
 * @param lastChange the newest of what the page shows (Last-Modified)
 */
public record StatusSnapshot(
    Page page,
    String title,
    String description,
    String state,
    List<Group> groups,
    List<Incident> active,
    List<Incident> maintenance,
    List<Incident> past,
    LocalDate firstDay,
    LocalDate lastDay,
    Instant builtAt,
    Instant lastChange,
    boolean preview) {

  /** The page's row; null fields for a draft that was never saved. */
  public record Page(
      UUID id,
      UUID organizationId,
      String slug,
      String customHost,
      Instant createdAt,
      Instant updatedAt) {}

  /** Components under one heading; the heading is empty for components with no group. */
  public record Group(String name, List<Component> components) {}

  /**
   * @param kind {@code monitor}, {@code job}, {@code queue}, {@code manual} or {@code instance}
   * @param state {@link StatusSnapshotStates}
   * @param detail why it is in this state, in words, or null
   * @param uptime 0..1 over the days that have a figure, or null when none has
   */
  public record Component(
      UUID id,
      String name,
      String description,
      String kind,
      String state,
      String detail,
      List<Day> days,
      Double uptime) {

    public String stateLabel() {
      return StatusSnapshotStates.label(state);
    }

    public String uptimeText() {
      return uptime == null ? "no data" : StatusSnapshotStates.percent(uptime) + " uptime";
    }
  }

  /**
   * @param uptime 0..1, or null when nothing is known of the day
   */
  public record Day(LocalDate day, Double uptime, long downSeconds) {
    /** {@code none}, {@code up}, {@code minor} (under 99.9 %), {@code major} (under 99 %). */
    public String level() {
      if (uptime == null) {
        return "none";
      }
      return uptime >= 0.999 ? "up" : uptime >= 0.99 ? "minor" : "major";
    }

    public String text() {
      return day
          + ": "
          + (uptime == null ? "no data" : StatusSnapshotStates.percent(uptime) + " uptime");
    }
  }

  /**
   * An incident or a maintenance with what was said about it, newest update first.
   *
   * @param kind {@code incident} or {@code maintenance}
   * @param impact {@code none}, {@code minor}, {@code major}, {@code critical}
   * @param components the names of the page's components it affects
   */
  public record Incident(
      UUID id,
      String kind,
      String title,
      String impact,
      String status,
      boolean automatic,
      Instant startsAt,
      Instant endsAt,
      Instant createdAt,
      Instant updatedAt,
      Instant resolvedAt,
      List<UUID> componentIds,
      List<String> components,
      List<Update> updates) {

    public String statusLabel() {
      return StatusSnapshotStates.incidentLabel(status);
    }
  }

  public record Update(UUID id, String status, String body, Instant at) {
    public String statusLabel() {
      return StatusSnapshotStates.incidentLabel(status);
    }
  }

  public String stateLabel() {
    return StatusSnapshotStates.overall(state);
  }

  /** Every component, group after group. */
  public List<Component> components() {
    return groups.stream().flatMap(g -> g.components().stream()).toList();
  }
}
