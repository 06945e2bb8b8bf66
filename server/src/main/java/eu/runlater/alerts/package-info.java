/**
 * Alerts: tell the right people when a job, a queue, a monitor or the organization's quota is in
 * trouble, and when it recovers — once per incident, grouped when many things fail together, on
 * every channel they use (email, Slack, Discord, Teams, Telegram, ntfy, PagerDuty, Pushover, a
 * signed webhook).
 *
 * <p>Its API, for the modules that produce work: {@link eu.runlater.alerts.AlertSignals} (tell it
 * outcomes and conditions, in your own transaction), {@link eu.runlater.alerts.AlertSubjects} (name
 * your subjects for a message: implement it), {@link eu.runlater.alerts.AlertRules} (a subject's
 * override, for its form) and {@link eu.runlater.alerts.Incidents} (open incidents, for a badge).
 *
 * <p>Every notification is a task on the engine (source kind {@code alert}): durable, retried,
 * SSRF-guarded, signed, and recorded attempt by attempt; mail goes through the engine's {@code
 * mailto} transport.
 */
package eu.runlater.alerts;
