/**
 * Cron's one grammar: {@link eu.runlater.cron.CronSchedule} parses an expression once, and from
 * those parsed fields computes next runs (the DST rules, checked against a brute-force oracle) and
 * writes the words ({@code describe()}); {@link eu.runlater.cron.CronPreview} and {@code POST
 * /api/v1/cron/preview} show both. It knows nothing of jobs: the jobs module owns what a schedule
 * does — its occurrences as tasks, catch-up and overlap ({@code jobs.CronOccurrences}) — and future
 * schedule owners (monitors, workflows) use the same grammar. It is a server module, not part of
 * the engine, because the engine only runs tasks at given times and never reads a schedule.
 */
package eu.runlater.cron;
