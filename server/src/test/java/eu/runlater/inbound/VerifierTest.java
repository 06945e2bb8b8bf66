package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.inbound.VerificationSpec.Algorithm;
import eu.runlater.inbound.VerificationSpec.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each provider's signature scheme against its documented example where the provider publishes one
 * (GitHub, Slack, Twilio, Standard Webhooks); where it publishes only the scheme (Stripe, Shopify,
 * Paddle, Lemon Squeezy), against a signature computed outside Java (Python's hmac module) from the
 * documented recipe. Each vector is also checked to fail when one byte changes, and each
 * timestamped scheme to fail outside its tolerance.
 */
class VerifierTest {

  private static VerificationSpec spec(Type type, String secret) {
    return new VerificationSpec(type, secret, null, null, null, null, null, 300);
  }

  private static Verifier.Request request(
      String url, String contentType, String body, Instant at, String... headers) {
    Map<String, List<String>> map = new HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.computeIfAbsent(headers[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(headers[i + 1]);
    }
    return new Verifier.Request(
        "POST", url, map, body.getBytes(StandardCharsets.UTF_8), contentType, at);
  }

  private static Verifier.Request request(String body, Instant at, String... headers) {
    return request("https://runlater.example/in/t", "application/json", body, at, headers);
  }

  private static Verifier.Result verify(VerificationSpec spec, Verifier.Request r) {
    return Verifier.verify(spec, r);
  }

  /**
   * GitHub, "Validating webhook deliveries", testing the webhook payload validation: secret "It's a
   * Secret to Everybody", payload "Hello, World!".
   * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
   */
  @Test
  void github_documented_example_verifies() {
    var spec = spec(Type.GITHUB, "It's a Secret to Everybody");
    String good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    Instant now = Instant.now();
    assertThat(verify(spec, request("Hello, World!", now, "X-Hub-Signature-256", good)).verified())
        .isTrue();
    assertThat(verify(spec, request("Hello, World?", now, "X-Hub-Signature-256", good)).verified())
        .isFalse();
    var missing = verify(spec, request("Hello, World!", now));
    assertThat(missing.verified()).isFalse();
    assertThat(missing.detail()).isEqualTo("no X-Hub-Signature-256 header");
  }

  /**
   * Slack, "Verifying requests from Slack", the worked example: signing secret
   * 8f742231b10e8888abcd99yyyzzz85a5, timestamp 1531420618, a slash command's form body.
   * https://api.slack.com/authentication/verifying-requests-from-slack
   */
  @Test
  void slack_documented_example_verifies_within_tolerance_only() {
    var spec = spec(Type.SLACK, "8f742231b10e8888abcd99yyyzzz85a5");
    String body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    String[] headers = {
      "X-Slack-Request-Timestamp",
      "1531420618",
      "X-Slack-Signature",
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    };
    Instant signedAt = Instant.ofEpochSecond(1531420618);
    assertThat(verify(spec, request(body, signedAt.plusSeconds(299), headers)).verified()).isTrue();
    var late = verify(spec, request(body, signedAt.plusSeconds(301), headers));
    assertThat(late.verified()).isFalse();
    assertThat(late.detail()).contains("tolerance of 300 s");
    assertThat(verify(spec, request(body + "x", signedAt, headers)).verified()).isFalse();
  }

  /**
   * Twilio, "Webhooks security", validating signatures: auth token 12345, URL
   * https://mycompany.com/myapp.php?foo=1&bar=2 and five POST parameters (the twilio-php validation
   * guide's example). https://www.twilio.com/docs/usage/security#validating-requests
   */
  @Test
  void twilio_documented_example_verifies_with_parameters_sorted() {
    var spec = spec(Type.TWILIO, "12345");
    String url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    // Sent in another order than the signature's sorted one, and URL-encoded as Twilio posts them.
    String body =
        "To=%2B18005551212&CallSid=CA1234567890ABCDE&From=%2B14158675309&Caller=%2B14158675309&Digits=1234";
    String form = "application/x-www-form-urlencoded";
    Instant now = Instant.now();
    assertThat(
            verify(
                    spec,
                    request(
                        url, form, body, now, "X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="))
                .verified())
        .isTrue();
    assertThat(
            verify(
                    spec,
                    request(
                        url.replace("foo=1", "foo=2"),
                        form,
                        body,
                        now,
                        "X-Twilio-Signature",
                        "RSOYDt4T1cUTdK1PDd93/VVr8B8="))
                .verified())
        .isFalse();
  }

  /**
   * Standard Webhooks' reference test vector (also Svix's): secret
   * whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330.
   * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
   */
  @Test
  void standard_webhooks_and_svix_reference_vector_verifies() {
    var spec = spec(Type.STANDARD_WEBHOOKS, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String body = "{\"test\": 2432232314}";
    Instant at = Instant.ofEpochSecond(1614265330);
    String signatures =
        "v1,bm9ldHRoZXNpZ25hdHVyZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assertThat(
            verify(
                    spec,
                    request(
                        body,
                        at,
                        "webhook-id",
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "webhook-timestamp",
                        "1614265330",
                        "webhook-signature",
                        signatures))
                .verified())
        .isTrue();
    assertThat(
            verify(
                    spec,
                    request(
                        body,
                        at,
                        "svix-id",
                        "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        "svix-timestamp",
                        "1614265330",
                        "svix-signature",
                        signatures))
                .verified())
        .isTrue();
    assertThat(
            verify(
                    spec,
                    request(
                        body,
                        at,
                        "webhook-id",
                        "msg_other",
                        "webhook-timestamp",
                        "1614265330",
                        "webhook-signature",
                        signatures))
                .verified())
        .isFalse();
  }

  /**
   * Stripe, "Verify webhook signatures manually": HMAC-SHA256 of "t.body" under the endpoint
   * secret, hex, in Stripe-Signature's v1 (several during a secret roll).
   * https://docs.stripe.com/webhooks#verify-manually
   */
  @Test
  void stripe_signature_verifies_any_v1_within_tolerance() {
    var spec = spec(Type.STRIPE, "whsec_test_secret");
    String body = "{\"id\": \"evt_test_webhook\", \"object\": \"event\"}";
    String header =
        "t=1492774577,v1=00000000000000000000000000000000000000000000000000000000000000ff,"
            + "v1=c137b1b62277d523cf8fed4dfbd0170a9a5b8a380e00cc3711d4bf0652f2ce7a,v0=6ffbb59b";
    Instant at = Instant.ofEpochSecond(1492774577);
    assertThat(verify(spec, request(body, at, "Stripe-Signature", header)).verified()).isTrue();
    assertThat(
            verify(spec, request(body, at.plusSeconds(301), "Stripe-Signature", header)).verified())
        .isFalse();
    assertThat(
            verify(spec(Type.STRIPE, "whsec_other"), request(body, at, "Stripe-Signature", header))
                .verified())
        .isFalse();
  }

  /**
   * Shopify, "Verify webhooks": X-Shopify-Hmac-Sha256, base64 HMAC-SHA256 of the raw body under the
   * app's client secret.
   * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
   */
  @Test
  void shopify_signature_verifies() {
    var spec = spec(Type.SHOPIFY, "hush");
    String body = "{\"id\":820982911946154500,\"email\":\"jon@example.com\"}";
    String sig = "f+Fz0AAZZhUhA6vnN9rBFWgTS6NwzJz3QaUTgPCdzdk=";
    assertThat(verify(spec, request(body, Instant.now(), "X-Shopify-Hmac-Sha256", sig)).verified())
        .isTrue();
    assertThat(
            verify(spec, request(body + " ", Instant.now(), "X-Shopify-Hmac-Sha256", sig))
                .verified())
        .isFalse();
  }

  /**
   * Paddle Billing, "Verify webhook signatures": Paddle-Signature ts=…;h1=…, HMAC-SHA256 of
   * "ts:body" under the notification destination's secret key.
   * https://developer.paddle.com/webhooks/signature-verification
   */
  @Test
  void paddle_signature_verifies_within_tolerance() {
    var spec =
        new VerificationSpec(
            Type.PADDLE,
            "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI",
            null,
            null,
            null,
            null,
            null,
            5);
    String body =
        "{\"event_id\":\"evt_01gks14ge726w50ce2rdje3bhh\",\"event_type\":\"transaction.created\"}";
    String header =
        "ts=1671552777;h1=3a901b4f068141bb921259169293f8cf12fd351ff6879759278f367e57a0efe3";
    Instant at = Instant.ofEpochSecond(1671552777);
    assertThat(
            verify(spec, request(body, at.plusSeconds(5), "Paddle-Signature", header)).verified())
        .isTrue();
    assertThat(
            verify(spec, request(body, at.plusSeconds(6), "Paddle-Signature", header)).verified())
        .isFalse();
  }

  /**
   * Lemon Squeezy, "Signing requests": X-Signature, hex HMAC-SHA256 of the raw body under the
   * webhook's signing secret. https://docs.lemonsqueezy.com/help/webhooks/signing-requests
   */
  @Test
  void lemon_squeezy_signature_verifies() {
    var spec = spec(Type.LEMON_SQUEEZY, "lemon-secret");
    String body = "{\"meta\":{\"event_name\":\"order_created\"}}";
    String sig = "ea7b2e8e61b40d4e545a66194a75317232fc04a98c1b2976eb4de40986dbb452";
    assertThat(verify(spec, request(body, Instant.now(), "X-Signature", sig)).verified()).isTrue();
    assertThat(
            verify(spec, request(body, Instant.now(), "X-Signature", "ab" + sig.substring(2)))
                .verified())
        .isFalse();
  }

  @Test
  void generic_hmac_honours_header_algorithm_encoding_and_prefix() {
    var spec =
        new VerificationSpec(
            Type.HMAC, "generic", "X-Sig", Algorithm.SHA512, "base64", "sha512=", null, 300);
    String sig =
        "sha512=yB70NqczGDFMOiRtU+GGKVQ7SJx/7Nv+oVqtOkY8uEU2W+6KPOcdU0jI3SsbTCTGSjC0ICmNEBkhdD7nt3qkgw==";
    assertThat(verify(spec, request("{\"a\":1}", Instant.now(), "X-Sig", sig)).verified()).isTrue();
    var noPrefix = verify(spec, request("{\"a\":1}", Instant.now(), "X-Sig", sig.substring(7)));
    assertThat(noPrefix.verified()).isFalse();
    assertThat(noPrefix.detail()).contains("does not start with 'sha512='");
  }

  @Test
  void basic_auth_and_api_key_compare_the_credentials() {
    var basic =
        new VerificationSpec(Type.BASIC_AUTH, "s3cret", null, null, null, null, "hook", 300);
    String good = "Basic " + Base64.getEncoder().encodeToString("hook:s3cret".getBytes());
    String bad = "Basic " + Base64.getEncoder().encodeToString("hook:s3cre".getBytes());
    assertThat(verify(basic, request("{}", Instant.now(), "Authorization", good)).verified())
        .isTrue();
    assertThat(verify(basic, request("{}", Instant.now(), "Authorization", bad)).verified())
        .isFalse();
    assertThat(verify(basic, request("{}", Instant.now())).verified()).isFalse();

    var key = new VerificationSpec(Type.API_KEY, "k-123", "X-Api-Key", null, null, null, null, 300);
    assertThat(verify(key, request("{}", Instant.now(), "x-api-key", "k-123")).verified()).isTrue();
    assertThat(verify(key, request("{}", Instant.now(), "X-Api-Key", "k-124")).verified())
        .isFalse();
  }
}
