/**
 * Inbound webhooks: sources, each with a hosted URL ({@code /in/<token>}) that takes any request,
 * checks the provider's signature (Stripe, GitHub, Shopify, Slack, Twilio, Standard Webhooks/Svix,
 * Paddle, Lemon Squeezy, a generic HMAC, basic auth, an API key), dedups by event id and stores it
 * before answering. The API: {@code /api/v1/sources}, {@code /api/v1/inbound-events}.
 *
 * <p>Nothing depends on this module.
 */
package eu.runlater.inbound;
