package eu.runlater.inbound;

/**
 * A source as the API takes it (create, and the merged result of a patch).
 *
 * @param name what the source is called (required, at most 200 characters)
 * @param verification how a request proves where it comes from; absent: none
 * @param dedup where the provider's event id is, for dedup within 24 h; absent: no dedup
 * @param response the answer to an accepted request; absent: 202 with {@code {"request_id": …}}
 * @param rateLimit the most requests taken per window; absent: the instance's default
 */
record SourceInput(
    String name, Verification verification, Dedup dedup, Response response, RateLimit rateLimit) {

  /**
   * @param type none, stripe, github, shopify, slack, twilio, standard_webhooks, paddle,
   *     lemon_squeezy, hmac, basic_auth or api_key
   * @param secret the signing secret, basic auth's password or the API key's value (write-only)
   * @param header hmac and api_key: the header that carries the signature or the key
   * @param algorithm hmac: sha1, sha256 (default) or sha512
   * @param encoding hmac: hex (default) or base64
   * @param prefix hmac: what precedes the signature in the header, such as {@code sha256=}
   * @param username basic_auth: the user name
   * @param toleranceSeconds signed timestamps further than this from the time received are refused
   *     (default 300)
   */
  record Verification(
      String type,
      String secret,
      String header,
      String algorithm,
      String encoding,
      String prefix,
      String username,
      Integer toleranceSeconds) {}

  /**
   * @param header the header holding the event id (e.g. X-GitHub-Delivery)
   * @param jsonPath or the field of the JSON body holding it, dotted (e.g. {@code id}, {@code
   *     event.id})
   */
  record Dedup(String header, String jsonPath) {}

  /**
   * @param status 200 to 299 (default 202)
   * @param body the body to answer with (at most 10 KB; default the request id as JSON)
   * @param contentType the body's content type (default text/plain when a body is given)
   */
  record Response(Integer status, String body, String contentType) {}

  /**
   * @param requests how many requests are taken per window (1 to 100,000)
   * @param perSeconds the window in seconds (1 to 3,600)
   */
  record RateLimit(Integer requests, Integer perSeconds) {}
}
