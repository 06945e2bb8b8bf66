package eu.runlater.platform;

import eu.runlater.platform.errors.FieldError;
import java.time.ZoneId;
import java.util.List;

/** IANA time zones as users type them: any case, blank for UTC, a message naming the field. */
public final class TimeZones {
  private TimeZones() {}

  /**
   * The zone named by {@code timezone} (UTC when blank), or null with a message for {@code field}
   * added to {@code errors}.
   */
  public static ZoneId parse(String timezone, String field, List<FieldError> errors) {
    if (timezone == null || timezone.isBlank()) {
      return ZoneId.of("UTC");
    }
    String wanted = timezone.strip();
    for (String id : ZoneId.getAvailableZoneIds()) {
      if (id.equalsIgnoreCase(wanted)) {
        return ZoneId.of(id);
      }
    }
    errors.add(
        new FieldError(
            field,
            "'"
                + timezone
                + "' is not an IANA time zone; use a name such as Europe/Oslo,"
                + " America/New_York or UTC"));
    return null;
  }
}
