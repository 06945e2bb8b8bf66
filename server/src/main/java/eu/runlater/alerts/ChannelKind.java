package eu.runlater.alerts;

import java.util.Locale;

/** The kinds of channel an alert can go to; the name in the API is the lower-case one. */
enum ChannelKind {
  EMAIL,
  SLACK,
  DISCORD,
  TEAMS,
  TELEGRAM,
  NTFY,
  PAGERDUTY,
  PUSHOVER,
  WEBHOOK;

  String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ChannelKind fromApi(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
