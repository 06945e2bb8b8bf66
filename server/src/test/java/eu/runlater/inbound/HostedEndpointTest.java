package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Sources over the API and their hosted URLs over real HTTP: what is stored before the answer,
 * whatever the method, refusals recorded with their reasons (401 for a bad signature or a stale
 * timestamp, 413, 429), the Slack challenge, dedup, and the secret sealed at rest.
 */
class HostedEndpointTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private JsonNode source(String key, String json) {
    var r = api.post("/api/v1/sources", key, json);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private String path(JsonNode source) {
    return source.get("url").asString().replaceFirst("^http://[^/]+", "");
  }

  private Api.Response send(
      String method, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        api.request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return api.send(b);
  }

  private Api.Response post(String path, String body, String... headers) {
    return send("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private JsonNode event(String key, Api.Response answer) {
    String id = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    var r = api.get("/api/v1/inbound-events/" + id, key);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static String header(JsonNode event, String name) {
    for (JsonNode pair : event.get("headers")) {
      if (pair.get(0).asString().equalsIgnoreCase(name)) {
        return pair.get(1).asString();
      }
    }
    return null;
  }

  @Test
  void a_request_is_stored_with_method_path_query_headers_body_and_ip_before_its_202() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"orders\"}");
    assertThat(s.get("url").asString()).matches("http://localhost:\\d+/in/[A-Za-z0-9_-]{32}");
    assertThat(s.get("verification").get("type").asString()).isEqualTo("none");
    assertThat(s.get("rate_limit").get("requests").asInt()).isEqualTo(100);

    var answer =
        send(
            "PUT",
            path(s) + "/hooks/order?x=1&y=%20z",
            "text/plain",
            "not { json".getBytes(StandardCharsets.UTF_8),
            "X-Custom",
            "one");
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    String requestId = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    assertThat(answer.json().get("request_id").asString()).isEqualTo(requestId);
    assertThat(answer.json().get("status").asString()).isEqualTo("accepted");

    JsonNode e = event(t.key(), answer);
    assertThat(e.get("source_id").asString()).isEqualTo(s.get("id").asString());
    assertThat(e.get("method").asString()).isEqualTo("PUT");
    assertThat(e.get("path").asString()).isEqualTo("/hooks/order");
    assertThat(e.get("query").asString()).isEqualTo("x=1&y=%20z");
    assertThat(header(e, "X-Custom")).isEqualTo("one");
    assertThat(e.get("body").asString()).isEqualTo("not { json");
    assertThat(e.get("body_encoding").asString()).isEqualTo("utf8");
    assertThat(e.get("body_size").asLong()).isEqualTo(10);
    assertThat(e.get("source_ip").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(e.get("status").asString()).isEqualTo("accepted");
    assertThat(e.get("verification").get("verified").asBoolean()).isTrue();
    assertThat(Instant.parse(e.get("received_at").asString()))
        .isBefore(Instant.now().plusSeconds(1));

    // A binary body comes back as base64; GET with no body is taken too.
    byte[] binary = {(byte) 0xff, 0, (byte) 0xfe};
    JsonNode b = event(t.key(), send("POST", path(s), "application/octet-stream", binary));
    assertThat(b.get("body_encoding").asString()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(b.get("body").asString())).isEqualTo(binary);
    assertThat(send("GET", path(s), null, null).status()).isEqualTo(202);

    var list = api.get("/api/v1/inbound-events?source_id=" + s.get("id").asString(), t.key());
    assertThat(list.json().get("data")).hasSize(3);
    assertThat(list.json().get("data").get(2).get("id").asString()).isEqualTo(requestId);
    // Another organization sees none of it.
    var other = fixtures.tenant();
    assertThat(api.get("/api/v1/inbound-events/" + requestId, other.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/inbound-events", other.key()).json().get("data")).isEmpty();
  }

  @Test
  void any_method_is_stored_and_answered_options_and_methods_spring_does_not_name_included() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"methods\"}");
    for (String method : new String[] {"OPTIONS", "PROPFIND", "REPORT", "PURGE"}) {
      var answer =
          send(
              method,
              path(s) + "/dav?depth=1",
              "application/xml",
              "<x/>".getBytes(StandardCharsets.UTF_8));
      assertThat(answer.status()).as(method + ": " + answer.body()).isEqualTo(202);
      assertThat(answer.json().get("status").asString()).isEqualTo("accepted");
      JsonNode e = event(t.key(), answer);
      assertThat(e.get("method").asString()).isEqualTo(method);
      assertThat(e.get("path").asString()).isEqualTo("/dav");
      assertThat(e.get("query").asString()).isEqualTo("depth=1");
      assertThat(e.get("body").asString()).isEqualTo("<x/>");
    }
    // A browser's CORS preflight is the browser's question, not a webhook: not stored.
    var preflight =
        send(
            "OPTIONS",
            path(s),
            null,
            null,
            "Origin",
            "https://elsewhere.example",
            "Access-Control-Request-Method",
            "POST");
    assertThat(preflight.headers().firstValue(Inbox.REQUEST_ID_HEADER)).isEmpty();
    var list = api.get("/api/v1/inbound-events?source_id=" + s.get("id").asString(), t.key());
    assertThat(list.json().get("data")).hasSize(4);
    // Any method still needs a source's token; and outside /in/ the firewall still refuses
    // methods it does not know.
    assertThat(send("PROPFIND", "/in/nosuchtoken", null, null).status()).isEqualTo(404);
    assertThat(
            send("PROPFIND", "/api/v1/sources", null, null, "Authorization", "Bearer " + t.key())
                .status())
        .isEqualTo(400);
  }

  @Test
  void an_unknown_token_is_404_and_a_rotated_url_retires_the_old_one() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"rotate me\"}");
    assertThat(post("/in/nosuchtoken", "{}").status()).isEqualTo(404);
    String old = path(s);
    var rotated =
        api.post("/api/v1/sources/" + s.get("id").asString() + "/rotate-url", t.key(), "");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    String fresh = path(rotated.json());
    assertThat(fresh).isNotEqualTo(old);
    assertThat(post(old, "{}").status()).isEqualTo(404);
    assertThat(post(fresh, "{}").status()).isEqualTo(202);
  }

  @Test
  void a_configured_answer_is_sent_and_bad_settings_are_422_naming_each_field() {
    var t = fixtures.tenant();
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"ok\", \"response\": {\"status\": 200, \"body\": \"<ok/>\", \"content_type\":"
                + " \"application/xml\"}}");
    var answer = post(path(s), "{}");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("<ok/>");
    assertThat(answer.contentType()).startsWith("application/xml");

    var bad =
        api.post(
            "/api/v1/sources",
            t.key(),
            "{\"name\": \"\", \"verification\": {\"type\": \"hmac\", \"algorithm\": \"md5\"},"
                + " \"response\": {\"status\": 302}, \"rate_limit\": {\"requests\": 0}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat(bad.body())
        .contains(
            "\"name\"",
            "verification.secret",
            "verification.header",
            "verification.algorithm",
            "response.status",
            "rate_limit.requests");
    var unknown =
        api.post(
            "/api/v1/sources",
            t.key(),
            "{\"name\": \"x\", \"verification\": {\"type\": \"carrier-pigeon\"}}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("must be one of none, stripe, github");
  }

  @Test
  void a_body_over_1_mb_is_413_and_recorded_as_rejected_declared_or_chunked() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"big\"}");
    byte[] big = new byte[Inbox.MAX_BODY + 1];
    var declared = send("POST", path(s), "application/octet-stream", big);
    assertThat(declared.status()).isEqualTo(413);
    JsonNode e = event(t.key(), declared);
    assertThat(e.get("status").asString()).isEqualTo("rejected");
    assertThat(e.get("reason").asString()).startsWith("body larger than 1 MB");
    assertThat(e.get("body").isNull()).isTrue();
    assertThat(e.get("body_size").asLong()).isEqualTo(Inbox.MAX_BODY + 1);

    var chunked =
        api.send(
            api.request(path(s))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(event(t.key(), chunked).get("reason").asString()).contains("chunked");

    // Exactly 1 MB is taken (the platform's 256 KB request limit does not apply here).
    assertThat(send("POST", path(s), "application/octet-stream", new byte[Inbox.MAX_BODY]).status())
        .isEqualTo(202);
  }

  @Test
  void a_flood_to_one_source_is_429_with_retry_after_recorded_and_other_sources_pass() {
    var t = fixtures.tenant();
    JsonNode flooded =
        source(
            t.key(),
            "{\"name\": \"flood\", \"rate_limit\": {\"requests\": 3, \"per_seconds\": 60}}");
    JsonNode calm = source(t.key(), "{\"name\": \"calm\"}");
    for (int i = 0; i < 3; i++) {
      assertThat(post(path(flooded), "{}").status()).isEqualTo(202);
    }
    var refused = post(path(flooded), "{\"n\": 4}");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 60L);
    JsonNode e = event(t.key(), refused);
    assertThat(e.get("status").asString()).isEqualTo("rejected");
    assertThat(e.get("reason").asString()).isEqualTo("rate limited: more than 3 requests per 60 s");
    assertThat(post(path(calm), "{}").status()).isEqualTo(202);
    var rejected =
        api.get(
            "/api/v1/inbound-events?status=rejected&source_id=" + flooded.get("id").asString(),
            t.key());
    assertThat(rejected.json().get("data")).hasSize(1);
  }

  @Test
  void a_stripe_source_takes_a_signed_request_and_rejects_a_forged_one_with_its_reason() {
    var t = fixtures.tenant();
    String secret = "whsec_" + "a".repeat(32);
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"stripe\", \"verification\": {\"type\": \"stripe\", \"secret\": \""
                + secret
                + "\"}, \"dedup\": {\"json_path\": \"id\"}}");
    assertThat(s.get("verification").get("secret_set").asBoolean()).isTrue();
    assertThat(s.toString()).doesNotContain(secret);
    byte[] sealed =
        jdbc.sql("SELECT sealed_secret FROM inbound_sources WHERE id = :id")
            .param("id", java.util.UUID.fromString(s.get("id").asString()))
            .query(byte[].class)
            .single();
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret);

    String body = "{\"id\": \"evt_1\", \"type\": \"invoice.paid\"}";
    long ts = Instant.now().getEpochSecond();
    String sig =
        HexFormat.of()
            .formatHex(
                Verifier.mac(
                    "HmacSHA256",
                    secret.getBytes(StandardCharsets.UTF_8),
                    (ts + "." + body).getBytes(StandardCharsets.UTF_8)));
    var ok = post(path(s), body, "Stripe-Signature", "t=" + ts + ",v1=" + sig);
    assertThat(ok.status()).as(ok.body()).isEqualTo(202);
    JsonNode accepted = event(t.key(), ok);
    assertThat(accepted.get("verification").get("type").asString()).isEqualTo("stripe");
    assertThat(accepted.get("verification").get("verified").asBoolean()).isTrue();
    assertThat(accepted.get("event_key").asString()).isEqualTo("evt_1");

    // Stripe retries the same event: stored as a duplicate, answered 2xx so it stops.
    var again = post(path(s), body, "Stripe-Signature", "t=" + ts + ",v1=" + sig);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("status").asString()).isEqualTo("duplicate");
    assertThat(event(t.key(), again).get("reason").asString()).contains("evt_1");

    var forged =
        post(path(s), body.replace("paid", "void"), "Stripe-Signature", "t=" + ts + ",v1=" + sig);
    assertThat(forged.status()).isEqualTo(401);
    JsonNode rejected = event(t.key(), forged);
    assertThat(rejected.get("status").asString()).isEqualTo("rejected");
    assertThat(rejected.get("reason").asString())
        .isEqualTo(
            "verification failed: Stripe-Signature does not match the body signed with the source's secret");
    assertThat(rejected.get("verification").get("verified").asBoolean()).isFalse();

    var stale = post(path(s), body, "Stripe-Signature", "t=" + (ts - 3600) + ",v1=" + sig);
    assertThat(stale.status()).isEqualTo(401);
    assertThat(event(t.key(), stale).get("reason").asString()).contains("tolerance of 300 s");
  }

  @Test
  void a_standard_webhooks_source_rejects_a_timestamp_outside_the_tolerance_with_its_reason() {
    var t = fixtures.tenant();
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"svix\", \"verification\": {\"type\": \"standard_webhooks\","
                + " \"secret\": \""
                + secret
                + "\"}}");
    String body = "{\"test\": 2432232314}";
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    long now = Instant.now().getEpochSecond();
    for (long ts : new long[] {now, now - 3600, now + 3600}) {
      String sig =
          "v1,"
              + Base64.getEncoder()
                  .encodeToString(
                      Verifier.mac(
                          "HmacSHA256",
                          Base64.getDecoder().decode(secret.substring("whsec_".length())),
                          (id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
      var answer =
          post(
              path(s),
              body,
              "webhook-id",
              id,
              "webhook-timestamp",
              Long.toString(ts),
              "webhook-signature",
              sig);
      if (ts == now) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        continue;
      }
      // Signed correctly, an hour off: a replay (or a clock far off), refused and recorded.
      assertThat(answer.status()).as("signed at now %+d s", ts - now).isEqualTo(401);
      JsonNode e = event(t.key(), answer);
      assertThat(e.get("status").asString()).isEqualTo("rejected");
      assertThat(e.get("reason").asString())
          .startsWith("verification failed: the signed timestamp is")
          .contains("tolerance of 300 s");
      assertThat(e.get("verification").get("type").asString()).isEqualTo("standard_webhooks");
      assertThat(e.get("verification").get("verified").asBoolean()).isFalse();
    }
    // Standard Webhooks' reference vector itself, sent with Svix's headers years after it was
    // signed: its signature holds, its time does not.
    var reference =
        post(
            path(s),
            body,
            "svix-id",
            id,
            "svix-timestamp",
            "1614265330",
            "svix-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(reference.status()).isEqualTo(401);
    assertThat(event(t.key(), reference).get("reason").asString()).contains("tolerance of 300 s");
  }

  @Test
  void a_slack_source_answers_the_url_verification_challenge_once_signed() {
    var t = fixtures.tenant();
    String secret = "8f742231b10e8888abcd99yyyzzz85a5";
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"slack\", \"verification\": {\"type\": \"slack\", \"secret\": \""
                + secret
                + "\"}}");
    String body =
        "{\"token\": \"Jhj5dZrVaK7ZwHHjRyZWjbDl\", \"challenge\":"
            + " \"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\", \"type\": \"url_verification\"}";
    long ts = Instant.now().getEpochSecond();
    String sig =
        "v0="
            + HexFormat.of()
                .formatHex(
                    Verifier.mac(
                        "HmacSHA256",
                        secret.getBytes(StandardCharsets.UTF_8),
                        ("v0:" + ts + ":" + body).getBytes(StandardCharsets.UTF_8)));
    var answer =
        post(
            path(s),
            body,
            "X-Slack-Request-Timestamp",
            Long.toString(ts),
            "X-Slack-Signature",
            sig);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("challenge").asString())
        .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    assertThat(event(t.key(), answer).get("status").asString()).isEqualTo("accepted");

    var unsigned = post(path(s), body);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.body()).doesNotContain("3eZbrw1aBm2rZ");
  }

  @Test
  void a_twilio_form_post_verifies_over_http_with_the_url_it_was_sent_to() {
    var t = fixtures.tenant();
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"sms\", \"verification\": {\"type\": \"twilio\", \"secret\": \"12345\"}}");
    String url = s.get("url").asString() + "?foo=1";
    String body = "To=%2B18005551212&From=%2B14158675309&Body=hi+there";
    String signed = url + "Bodyhi there" + "From+14158675309" + "To+18005551212";
    String sig =
        Base64.getEncoder()
            .encodeToString(
                Verifier.mac(
                    "HmacSHA1",
                    "12345".getBytes(StandardCharsets.UTF_8),
                    signed.getBytes(StandardCharsets.UTF_8)));
    var answer =
        send(
            "POST",
            path(s) + "?foo=1",
            "application/x-www-form-urlencoded",
            body.getBytes(StandardCharsets.UTF_8),
            "X-Twilio-Signature",
            sig);
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    // The form body is stored as it came, not consumed as parameters on the way.
    assertThat(event(t.key(), answer).get("body").asString()).isEqualTo(body);
  }

  @Test
  void basic_auth_and_api_key_credentials_are_hidden_in_the_stored_request() {
    var t = fixtures.tenant();
    JsonNode basic =
        source(
            t.key(),
            "{\"name\": \"basic\", \"verification\": {\"type\": \"basic_auth\", \"username\": \"hook\","
                + " \"secret\": \"pw\"}}");
    String auth = "Basic " + Base64.getEncoder().encodeToString("hook:pw".getBytes());
    var ok = post(path(basic), "{}", "Authorization", auth);
    assertThat(ok.status()).isEqualTo(202);
    assertThat(header(event(t.key(), ok), "Authorization")).isEqualTo("(hidden)");
    assertThat(post(path(basic), "{}", "Authorization", auth + "x").status()).isEqualTo(401);

    JsonNode key =
        source(
            t.key(),
            "{\"name\": \"key\", \"verification\": {\"type\": \"api_key\", \"header\": \"X-Hook-Key\","
                + " \"secret\": \"k1\"}, \"dedup\": {\"header\": \"X-Delivery\"}}");
    var first = post(path(key), "{}", "X-Hook-Key", "k1", "X-Delivery", "d-1");
    assertThat(first.status()).isEqualTo(202);
    assertThat(header(event(t.key(), first), "X-Hook-Key")).isEqualTo("(hidden)");
    var dup = post(path(key), "{}", "X-Hook-Key", "k1", "X-Delivery", "d-1");
    assertThat(dup.json().get("status").asString()).isEqualTo("duplicate");
    assertThat(
            post(path(key), "{}", "X-Hook-Key", "k1", "X-Delivery", "d-2")
                .json()
                .get("status")
                .asString())
        .isEqualTo("accepted");
  }

  @Test
  void an_event_id_holding_a_nul_character_is_stored_and_deduplicated_exactly() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"nul\", \"dedup\": {\"json_path\": \"id\"}}");
    // JSON's escape of U+0000: PostgreSQL's text cannot hold the character it stands for.
    var first = post(path(s), "{\"id\": \"evt\\u0000a\"}");
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.json().get("status").asString()).isEqualTo("accepted");
    assertThat(event(t.key(), first).get("event_key").asString()).isEqualTo("evt\\u0000a");

    var again = post(path(s), "{\"id\": \"evt\\u0000a\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(202);
    assertThat(again.json().get("status").asString()).isEqualTo("duplicate");
    assertThat(event(t.key(), again).get("reason").asString()).contains("evt\\u0000a");
    // Neither another id with a NUL nor the id shown above (a backslash, then u0000) is it.
    assertThat(post(path(s), "{\"id\": \"evt\\u0000b\"}").json().get("status").asString())
        .isEqualTo("accepted");
    assertThat(post(path(s), "{\"id\": \"evt\\\\u0000a\"}").json().get("status").asString())
        .isEqualTo("accepted");

    // An id kept before ids were kept as bytes, converted as the migration did: still a duplicate.
    jdbc.sql(
            """
            INSERT INTO inbound_dedup (source_id, event_key, event_id, expires_at)
            VALUES (:s, convert_to(CAST(:key AS text), 'UTF8'), gen_random_uuid(), now() + interval '1 hour')
            """)
        .param("s", java.util.UUID.fromString(s.get("id").asString()))
        .param("key", "évt_ü✓")
        .update();
    assertThat(post(path(s), "{\"id\": \"évt_ü✓\"}").json().get("status").asString())
        .isEqualTo("duplicate");
  }

  @Test
  void a_filter_whose_error_quotes_a_nul_character_fails_its_forward_and_the_request_is_stored() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"cel\"}");
    // Errors that quote the request's values: a missing key, a bad pattern, a string not a number.
    for (String filter :
        new String[] {"body[body.k] == 1", "body.k.matches(body.k)", "int(body.k) > 0"}) {
      var c =
          api.post(
              "/api/v1/connections",
              t.key(),
              "{\"source_id\": \"%s\", \"name\": \"%s\", \"destination_url\": \"http://localhost:9/x\", \"filter\": \"%s\"}"
                  .formatted(s.get("id").asString(), filter, filter));
      assertThat(c.status()).as(c.body()).isEqualTo(201);
    }
    var r = post(path(s), "{\"k\": \"[a\\u0000\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    var forwards =
        jdbc.sql("SELECT state, detail FROM inbound_forwards WHERE event_id = :id")
            .param(
                "id",
                java.util.UUID.fromString(
                    r.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow()))
            .query((rs, n) -> rs.getString("state") + ": " + rs.getString("detail"))
            .list();
    assertThat(forwards).hasSize(3).allMatch(f -> f.startsWith("failed: "));
    assertThat(forwards).anyMatch(f -> f.contains("[a\\u0000"));
  }

  @Test
  void sources_are_listed_patched_keeping_their_secret_and_deleted_with_their_requests() {
    var t = fixtures.tenant();
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"gh\", \"verification\": {\"type\": \"github\", \"secret\": \"It's a Secret to Everybody\"}}");
    String id = s.get("id").asString();
    var patched =
        api.patch(
            "/api/v1/sources/" + id,
            t.key(),
            "{\"name\": \"github\", \"rate_limit\": {\"requests\": 7}}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("name").asString()).isEqualTo("github");
    assertThat(patched.json().get("rate_limit").get("requests").asInt()).isEqualTo(7);
    assertThat(patched.json().get("url").asString()).isEqualTo(s.get("url").asString());
    // The secret was kept: GitHub's documented example still verifies.
    var signed =
        send(
            "POST",
            path(s),
            "application/json",
            "Hello, World!".getBytes(StandardCharsets.UTF_8),
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    assertThat(signed.status()).isEqualTo(202);
    // A new type needs its own secret.
    var noSecret =
        api.patch("/api/v1/sources/" + id, t.key(), "{\"verification\": {\"type\": \"shopify\"}}");
    assertThat(noSecret.status()).isEqualTo(422);
    assertThat(noSecret.body()).contains("verification.secret");

    assertThat(api.get("/api/v1/sources", t.key()).json().get("data")).hasSize(1);
    assertThat(api.get("/api/v1/sources/" + id, fixtures.tenant().key()).status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/sources/" + id, t.key()).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/sources/" + id, t.key()).status()).isEqualTo(404);
    assertThat(post(path(s), "{}").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/inbound-events", t.key()).json().get("data")).isEmpty();
  }

  /** The README's Stripe-like example, run as written (bash, curl, openssl) against this server. */
  @Test
  void the_readme_stripe_example_works_as_written() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    var block =
        java.util.regex.Pattern.compile(
                "<!-- inbound-example:start -->\\n```sh\\n(.*?)```\\n<!-- inbound-example:end -->",
                java.util.regex.Pattern.DOTALL)
            .matcher(readme);
    assertThat(block.find()).as("README has the inbound example").isTrue();
    var t = fixtures.tenant();
    var process =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", block.group(1))
            .redirectErrorStream(true);
    process.environment().put("RL", api.base() + "/api/v1");
    process.environment().put("RUNLATER_API_KEY", t.key());
    Process run = process.start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(out).isZero();
    assertThat(out)
        .contains(
            "/in/", "\"status\":\"accepted\"", "}401\n", "verification failed: Stripe-Signature");
  }
}
