package eu.runlater.alerts;

import java.util.Map;

/**
 * A channel to create, or the changes to one: a null field (or a secret setting left out) keeps
 * what is stored.
 *
 * @param kind the API name ({@code slack}); fixed once created
 * @param settings the kind's settings, secrets included, by their API names ({@code webhook_url})
 */
record ChannelInput(
    String name, String kind, Map<String, Object> settings, Boolean optIn, Boolean enabled) {}
