/**
 * Status pages and incidents: pages an organization publishes at {@code /status/<slug>} (or on a
 * host name of its own) with components that follow monitors, jobs and queues, 90-day uptime bars,
 * incidents with their updates and scheduled maintenance, feeds, a JSON form and email
 * subscriptions; and the instance's own page at {@code /status}, fed by internal checks.
 *
 * <p>Nothing depends on it.
 */
package eu.runlater.status;
