/**
 * Monitors: heartbeats (something elsewhere pings {@code /ping/<token>} on a schedule; a missing
 * ping makes it late, then down) and uptime checks (an HTTP or TCP target checked at an interval,
 * each check an engine task under the delivery path's SSRF guard). Every change to down and back to
 * up goes through alerts ({@link eu.runlater.alerts.AlertSignals}, subject kind {@code monitor},
 * condition {@code down}).
 *
 * <p>Its API, for status pages: {@link eu.runlater.monitors.Monitors} (current states and uptime by
 * day).
 */
package eu.runlater.monitors;
