/**
 * The outbound HTTP path of the delivery engine: one attempt to a user-supplied URL.
 *
 * <p>{@link eu.runlater.engine.http.HttpDelivery#send} guarantees:
 *
 * <ul>
 *   <li><b>SSRF guard.</b> A request only ever reaches an address the {@link
 *       eu.runlater.engine.http.AddressPolicy} allows (public addresses unless the operator allows
 *       more). IP literals are recognised in every encoding a resolver would accept (decimal, hex,
 *       octal, short forms, IPv4-mapped IPv6, ...). Host names are resolved once, inside the
 *       connection layer; refused addresses are dropped and the socket connects only to an address
 *       that was checked, so DNS rebinding cannot slip a private address in between. No proxy is
 *       ever used.
 *   <li><b>Deadline.</b> The call's timeout bounds the whole attempt: DNS, waiting for a pooled
 *       connection, connect, TLS, sending, and receiving headers and body. A server that trickles
 *       bytes does not extend it.
 *   <li><b>Bounded memory.</b> At most {@code maxResponseBytes} of a body are read and kept; after
 *       that the connection is dropped rather than drained. Response headers are limited in count
 *       and line length.
 *   <li><b>No redirects</b>: a 3xx comes back as a response with its Location.
 *   <li><b>No automatic retries</b>, cookies, authentication or content decoding: the engine owns
 *       retries, and a request is sent exactly as built, plus Host, Content-Length and Connection
 *       (and the configured User-Agent only when the call has none).
 * </ul>
 *
 * <p>On failure {@code send} does not throw: it returns {@link
 * eu.runlater.engine.http.HttpOutcome.Failed} with a kind (TIMEOUT, BLOCKED, DNS, CONNECT, TLS, IO)
 * and a short message that may name the host but never contains request header values. A response
 * of any status, 5xx included, is {@link eu.runlater.engine.http.HttpOutcome.Responded}; what to
 * retry is the engine's decision. The connection of a failed attempt is discarded, never reused.
 */
package eu.runlater.engine.http;
