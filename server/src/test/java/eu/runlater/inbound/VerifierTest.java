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
 * Each provider's signature scheme against the provider's own fixed example: its documentation's
 * (GitHub, Slack, Twilio, Standard Webhooks) or its SDK tests' (Shopify, Paddle). Where neither
 * asserts a fixed signature (Stripe's SDKs sign at run time; Lemon Squeezy publishes none), the
 * SDK's fixed inputs or a documented recipe are signed outside Java; each test says which. Each
 * vector is also checked to fail when one byte changes, and each timestamped scheme to fail outside
 * its tolerance.
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

  /** The reference vector received 301 s after (or before) its timestamp: a replay, refused. */
  @Test
  void standard_webhooks_refuses_a_timestamp_outside_the_tolerance() {
    var spec = spec(Type.STANDARD_WEBHOOKS, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String body = "{\"test\": 2432232314}";
    Instant at = Instant.ofEpochSecond(1614265330);
    String[] headers = {
      "webhook-id",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp",
      "1614265330",
      "webhook-signature",
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    };
    assertThat(verify(spec, request(body, at.plusSeconds(300), headers)).verified()).isTrue();
    for (long skew : new long[] {301, -301}) {
      var refused = verify(spec, request(body, at.plusSeconds(skew), headers));
      assertThat(refused.verified()).as("%d s", skew).isFalse();
      assertThat(refused.detail()).contains("301 s from the time received", "tolerance of 300 s");
    }
  }

  /**
   * Stripe's SDKs sign their test payload at run time (stripe-java
   * src/test/java/com/stripe/net/WebhookTest.java {@code generateSigHeader}, stripe-node
   * test/Webhook.spec.ts {@code generateTestHeaderString}): no fixed signature is asserted there.
   * These are their fixed inputs (secret {@code whsec_test_secret}, the pretty-printed {@code
   * evt_test_webhook} payload, timestamp 12345 as in stripe-java's {@code
   * testTimestampOffButNoTolerance}), signed as Stripe documents: hex HMAC-SHA256 of {@code
   * "<t>.<body>"} under the endpoint secret used as text
   * (https://docs.stripe.com/webhooks#verify-manually), computed outside Java ({@code printf
   * '12345.<body>' | openssl dgst -sha256 -hmac whsec_test_secret}). As in those SDK tests: an
   * unreadable extra v1 is ignored, a v0 alone is no signature, and a timestamp outside the
   * tolerance is refused.
   */
  @Test
  void stripe_sdk_test_payload_verifies_any_v1_within_tolerance() {
    var spec = spec(Type.STRIPE, "whsec_test_secret");
    String body = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
    String v1 = "2672d138c9a412830f3bfe2ecc5bfb3277cf6f5b49d0119d77dd6cb64da1257e";
    Instant at = Instant.ofEpochSecond(12345);
    assertThat(verify(spec, request(body, at, "Stripe-Signature", "t=12345,v1=" + v1)).verified())
        .isTrue();
    assertThat(
            verify(
                    spec,
                    request(body, at, "Stripe-Signature", "t=12345,v1=" + v1 + ",v1=bad_signature"))
                .verified())
        .isTrue();
    var v0 = verify(spec, request(body, at, "Stripe-Signature", "t=12345,v0=" + v1));
    assertThat(v0.verified()).isFalse();
    assertThat(v0.detail()).contains("no t= or no v1= signature");
    var late =
        verify(spec, request(body, at.plusSeconds(301), "Stripe-Signature", "t=12345,v1=" + v1));
    assertThat(late.verified()).isFalse();
    assertThat(late.detail()).contains("tolerance of 300 s");
    assertThat(
            verify(
                    spec(Type.STRIPE, "whsec_test_secret_rolled_key"),
                    request(body, at, "Stripe-Signature", "t=12345,v1=" + v1))
                .verified())
        .isFalse();
    assertThat(
            verify(
                    spec,
                    request(body.replace("\n", ""), at, "Stripe-Signature", "t=12345,v1=" + v1))
                .verified())
        .isFalse();
  }

  /**
   * Shopify's PHP library asserts this webhook as valid: secret {@code steffi} (its test context's
   * API secret key, tests/BaseTestCase.php), body {@code {"foo":"bar"}}, X-Shopify-Hmac-Sha256
   * {@code /Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo=} (Shopify/shopify-api-php
   * tests/Webhooks/RegistryTest.php, {@code testProcessWebhook}); base64 HMAC-SHA256 of the raw
   * body (https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook).
   */
  @Test
  void shopify_library_test_vector_verifies() {
    var spec = spec(Type.SHOPIFY, "steffi");
    String sig = "/Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo=";
    assertThat(
            verify(spec, request("{\"foo\":\"bar\"}", Instant.now(), "X-Shopify-Hmac-Sha256", sig))
                .verified())
        .isTrue();
    assertThat(
            verify(spec, request("{\"foo\": \"bar\"}", Instant.now(), "X-Shopify-Hmac-Sha256", sig))
                .verified())
        .isFalse();
    // The library's own invalid case.
    assertThat(
            verify(
                    spec,
                    request(
                        "{\"foo\":\"bar\"}",
                        Instant.now(),
                        "X-Shopify-Hmac-Sha256",
                        "whoops_this_is_wrong"))
                .verified())
        .isFalse();
  }

  private static VerificationSpec paddle(String secret, int toleranceSeconds) {
    return new VerificationSpec(
        Type.PADDLE, secret, null, null, null, null, null, toleranceSeconds);
  }

  /**
   * Paddle's Node SDK vectors (PaddleHQ/paddle-node-sdk
   * src/__tests__/notifications/webhooks-validator.test.ts): secret {@code VALID_SECRET}, ts
   * 1698796800 (2023-11-01T00:00:00Z), valid up to 5 s after it and not 6 s after, several h1 (and
   * an h2) allowed, a body with one more space, a wrong secret or a header without ts or h1
   * refused. Paddle Billing signs {@code "<ts>:<body>"} with HMAC-SHA256
   * (https://developer.paddle.com/webhooks/signature-verification); the SDK's tolerance is 5 s.
   */
  @Test
  void paddle_node_sdk_vectors_verify_within_its_five_seconds() {
    var spec = paddle("VALID_SECRET", 5);
    String body = "{\"data\": [\"1\", \"2\"]}";
    String header =
        "ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9";
    Instant at = Instant.ofEpochSecond(1698796800);
    for (int late : new int[] {0, 1, 5}) {
      assertThat(
              verify(spec, request(body, at.plusSeconds(late), "Paddle-Signature", header))
                  .verified())
          .as("%d s after its ts", late)
          .isTrue();
    }
    assertThat(
            verify(spec, request(body, at.plusSeconds(6), "Paddle-Signature", header)).verified())
        .isFalse();
    assertThat(
            verify(
                    spec,
                    request(
                        "{\"data\": \"value\"}",
                        at,
                        "Paddle-Signature",
                        "ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261"
                            + ";h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261"
                            + ";h2=RANDOM_HASH"))
                .verified())
        .isTrue();
    assertThat(
            verify(paddle("INVALID_VALID_SECRET", 5), request(body, at, "Paddle-Signature", header))
                .verified())
        .isFalse();
    assertThat(
            verify(spec, request("{ \"data\": [ \"1\", \"2\" ]}", at, "Paddle-Signature", header))
                .verified())
        .isFalse();
    assertThat(
            verify(
                    spec,
                    request(
                        body,
                        at,
                        "Paddle-Signature",
                        "ts=9876;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9"))
                .verified())
        .isFalse();
    for (String bad :
        new String[] {"invalid_header", "h1=invalid_header", "ts=1234;h2=invalid_header"}) {
      var refused = verify(spec, request(body, at, "Paddle-Signature", bad));
      assertThat(refused.verified()).as(bad).isFalse();
      assertThat(refused.detail()).contains("has no ts= or no h1= signature");
    }
  }

  /**
   * Paddle's Python SDK vector (PaddleHQ/paddle-python-sdk
   * tests/Unit/Notification/test_Verifier.py): body {@code hello-world}, {@code
   * ts=1696195954;h1=dummy;h1=d962…}, of three secrets only the third verifies.
   */
  @Test
  void paddle_python_sdk_vector_verifies_with_its_third_secret_only() {
    String header =
        "ts=1696195954;h1=dummy;h1=d96299976a6eb066f484d7fde011ac56fc32b38fc9940bc419d6e537fdc6ef02";
    Instant at = Instant.ofEpochSecond(1696195954);
    String[] secrets = {
      "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_TjIG2BXbm83HPXqNfziwe506sBEdqL/4",
      "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_vB/yIOnTOCWIvpBadM5jzBZPHc7OmdSo",
      "pdl_ntf_01hbpjmytsa32fhr36nqgc3kgb_WvRO0eL4Bj9rgYYIBZY6wZhG4EHy9jzh"
    };
    boolean[] expected = {false, false, true};
    for (int i = 0; i < secrets.length; i++) {
      assertThat(
              verify(paddle(secrets[i], 5), request("hello-world", at, "Paddle-Signature", header))
                  .verified())
          .as("secret %d", i + 1)
          .isEqualTo(expected[i]);
    }
  }

  /**
   * Lemon Squeezy publishes no example signature: "Signing requests"
   * (https://docs.lemonsqueezy.com/help/webhooks/signing-requests) gives code only, and neither its
   * SDK (lmsqueezy/lemonsqueezy.js) nor its Laravel package (lmsqueezy/laravel) tests webhook
   * signatures. So this vector follows the documented recipe, hex HMAC-SHA256 of the raw body under
   * the signing secret in X-Signature, computed outside Java (Python's hmac module).
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
