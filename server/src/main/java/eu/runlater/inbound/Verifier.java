package eu.runlater.inbound;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Whether a request comes from the provider a source expects: each provider's documented signature
 * scheme, a generic HMAC, basic auth or an API key header. Pure: no clock of its own (the request
 * carries the time it was received), no database. A signed timestamp further than the tolerance
 * from that time is refused, so a captured request cannot be replayed later. Every comparison of a
 * secret or a signature is constant-time ({@link MessageDigest#isEqual}).
 */
final class Verifier {
  private Verifier() {}

  /**
   * A received request as the verification sees it.
   *
   * @param url the URL the provider called (Twilio signs it), query included
   * @param headers by lower-case name, every value in order
   */
  record Request(
      String method,
      String url,
      Map<String, List<String>> headers,
      byte[] body,
      String contentType,
      Instant receivedAt) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.getFirst();
    }
  }

  /** The outcome: verified, or not with the reason (stored with the request, never the secret). */
  record Result(boolean verified, String detail) {
    static Result ok(String detail) {
      return new Result(true, detail);
    }

    static Result no(String detail) {
      return new Result(false, detail);
    }
  }

  static Result verify(VerificationSpec spec, Request request) {
    return switch (spec.type()) {
      case NONE -> Result.ok("no verification configured");
      case STRIPE -> stripe(spec, request);
      case GITHUB ->
          signedBody(spec, request, "X-Hub-Signature-256", "HmacSHA256", false, "sha256=");
      case SHOPIFY -> signedBody(spec, request, "X-Shopify-Hmac-Sha256", "HmacSHA256", true, "");
      case LEMON_SQUEEZY -> signedBody(spec, request, "X-Signature", "HmacSHA256", false, "");
      case HMAC ->
          signedBody(
              spec,
              request,
              spec.header(),
              spec.algorithm().mac(),
              "base64".equals(spec.encoding()),
              spec.prefix() == null ? "" : spec.prefix());
      case SLACK -> slack(spec, request);
      case TWILIO -> twilio(spec, request);
      case STANDARD_WEBHOOKS -> standardWebhooks(spec, request);
      case PADDLE -> paddle(spec, request);
      case BASIC_AUTH -> basicAuth(spec, request);
      case API_KEY -> apiKey(spec, request);
    };
  }

  /**
   * Stripe: {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]}, each v1 an HMAC-SHA256 of {@code
   * "<t>.<body>"} under the endpoint's secret ({@code whsec_…}, used as text).
   */
  private static Result stripe(VerificationSpec spec, Request r) {
    return timestampedHex(spec, r, "Stripe-Signature", ",", "t", "v1", ".");
  }

  /**
   * The scheme Stripe and Paddle share: a header of {@code <ts key>=<unix>} and one or more {@code
   * <sig key>=<hex>} joined by {@code separator}, each signature an HMAC-SHA256 of {@code
   * "<unix><joiner><body>"} under the secret (used as text).
   */
  private static Result timestampedHex(
      VerificationSpec spec,
      Request r,
      String name,
      String separator,
      String tsKey,
      String sigKey,
      String joiner) {
    String header = r.header(name);
    if (header == null) {
      return Result.no("no " + name + " header");
    }
    String ts = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(separator)) {
      String[] kv = part.strip().split("=", 2);
      if (kv.length == 2 && kv[0].equals(tsKey)) {
        ts = kv[1];
      } else if (kv.length == 2 && kv[0].equals(sigKey)) {
        signatures.add(kv[1]);
      }
    }
    if (ts == null || signatures.isEmpty()) {
      return Result.no(name + " has no " + tsKey + "= or no " + sigKey + "= signature");
    }
    Result time = timestamp(spec, r, ts);
    if (time != null) {
      return time;
    }
    byte[] expected = mac("HmacSHA256", utf8(spec.secret()), concat(utf8(ts + joiner), r.body()));
    return anyMatches(expected, signatures, false, name);
  }

  /** A header holding {@code prefix + encode(HMAC(body))} (GitHub, Shopify, Lemon Squeezy, …). */
  private static Result signedBody(
      VerificationSpec spec,
      Request r,
      String header,
      String algorithm,
      boolean base64,
      String prefix) {
    String value = r.header(header);
    if (value == null) {
      return Result.no("no " + header + " header");
    }
    if (!value.startsWith(prefix)) {
      return Result.no(header + " does not start with '" + prefix + "'");
    }
    byte[] expected = mac(algorithm, utf8(spec.secret()), r.body());
    return anyMatches(expected, List.of(value.substring(prefix.length())), base64, header);
  }

  /**
   * Slack: {@code X-Slack-Signature: v0=<hex>}, an HMAC-SHA256 of {@code "v0:<ts>:<body>"} with
   * {@code ts} from {@code X-Slack-Request-Timestamp}.
   */
  private static Result slack(VerificationSpec spec, Request r) {
    String signature = r.header("X-Slack-Signature");
    String ts = r.header("X-Slack-Request-Timestamp");
    if (signature == null || ts == null) {
      return Result.no("no X-Slack-Signature or X-Slack-Request-Timestamp header");
    }
    Result time = timestamp(spec, r, ts);
    if (time != null) {
      return time;
    }
    if (!signature.startsWith("v0=")) {
      return Result.no("X-Slack-Signature does not start with 'v0='");
    }
    byte[] expected =
        mac("HmacSHA256", utf8(spec.secret()), concat(utf8("v0:" + ts + ":"), r.body()));
    return anyMatches(expected, List.of(signature.substring(3)), false, "X-Slack-Signature");
  }

  /**
   * Twilio: {@code X-Twilio-Signature}, a base64 HMAC-SHA1 under the auth token of the full URL
   * followed, for a form post, by every parameter's name and value sorted by name. A JSON body is
   * signed through the URL's {@code bodySHA256} parameter (the body's hex SHA-256).
   */
  private static Result twilio(VerificationSpec spec, Request r) {
    String signature = r.header("X-Twilio-Signature");
    if (signature == null) {
      return Result.no("no X-Twilio-Signature header");
    }
    StringBuilder signed = new StringBuilder(r.url());
    boolean form =
        r.contentType() != null
            && r.contentType()
                .toLowerCase(Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded");
    if (form) {
      TreeMap<String, List<String>> params = new TreeMap<>();
      String text = new String(r.body(), StandardCharsets.UTF_8);
      for (String pair : text.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        String[] kv = pair.split("=", 2);
        params
            .computeIfAbsent(decode(kv[0]), k -> new ArrayList<>())
            .add(kv.length == 2 ? decode(kv[1]) : "");
      }
      params.forEach(
          (name, values) -> values.stream().sorted().forEach(v -> signed.append(name).append(v)));
    } else {
      String bodyHash = queryParameter(r.url(), "bodySHA256");
      if (bodyHash == null) {
        return Result.no("a Twilio request that is no form post carries bodySHA256 in its URL");
      }
      String actual = HexFormat.of().formatHex(sha256(r.body()));
      if (!MessageDigest.isEqual(utf8(actual), utf8(bodyHash.toLowerCase(Locale.ROOT)))) {
        return Result.no("the body's SHA-256 is not the URL's bodySHA256");
      }
    }
    byte[] expected = mac("HmacSHA1", utf8(spec.secret()), utf8(signed.toString()));
    return anyMatches(expected, List.of(signature), true, "X-Twilio-Signature");
  }

  /**
   * Standard Webhooks (and Svix, whose headers are {@code svix-*}): {@code webhook-signature:
   * v1,<base64> [v1,<base64>…]}, an HMAC-SHA256 of {@code "<id>.<timestamp>.<body>"} under the
   * base64 key after {@code whsec_}.
   */
  private static Result standardWebhooks(VerificationSpec spec, Request r) {
    String prefix = r.header("webhook-signature") != null ? "webhook-" : "svix-";
    String id = r.header(prefix + "id");
    String ts = r.header(prefix + "timestamp");
    String signature = r.header(prefix + "signature");
    if (id == null || ts == null || signature == null) {
      return Result.no("no webhook-id, webhook-timestamp and webhook-signature headers");
    }
    Result time = timestamp(spec, r, ts);
    if (time != null) {
      return time;
    }
    String secret = spec.secret();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
    } catch (IllegalArgumentException e) {
      return Result.no("the source's secret is not base64 after whsec_");
    }
    byte[] expected = mac("HmacSHA256", key, concat(utf8(id + "." + ts + "."), r.body()));
    List<String> v1 = new ArrayList<>();
    for (String part : signature.split(" ")) {
      if (part.startsWith("v1,")) {
        v1.add(part.substring(3));
      }
    }
    return anyMatches(expected, v1, true, prefix + "signature");
  }

  /**
   * Paddle Billing: {@code Paddle-Signature: ts=<unix>;h1=<hex>[;h1=…]}, an HMAC-SHA256 of {@code
   * "<ts>:<body>"} under the notification destination's secret key.
   */
  private static Result paddle(VerificationSpec spec, Request r) {
    return timestampedHex(spec, r, "Paddle-Signature", ";", "ts", "h1", ":");
  }

  private static Result basicAuth(VerificationSpec spec, Request r) {
    String header = r.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Result.no("no basic credentials in Authorization");
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(header.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return Result.no("Authorization's basic credentials are not base64");
    }
    byte[] expected = utf8(spec.username() + ":" + spec.secret());
    return MessageDigest.isEqual(expected, given)
        ? Result.ok("basic credentials match")
        : Result.no("wrong basic credentials");
  }

  private static Result apiKey(VerificationSpec spec, Request r) {
    String value = r.header(spec.header());
    if (value == null) {
      return Result.no("no " + spec.header() + " header");
    }
    return MessageDigest.isEqual(utf8(spec.secret()), utf8(value))
        ? Result.ok(spec.header() + " matches")
        : Result.no("wrong " + spec.header());
  }

  /** Null when {@code unixSeconds} is within the tolerance of the receipt; else the refusal. */
  private static Result timestamp(VerificationSpec spec, Request r, String unixSeconds) {
    long at;
    try {
      at = Long.parseLong(unixSeconds.strip());
    } catch (NumberFormatException e) {
      return Result.no("the signed timestamp '" + unixSeconds + "' is not a Unix time");
    }
    long skew = Math.abs(r.receivedAt().getEpochSecond() - at);
    if (skew > spec.toleranceSeconds()) {
      return Result.no(
          "the signed timestamp is "
              + skew
              + " s from the time received, more than the tolerance of "
              + spec.toleranceSeconds()
              + " s");
    }
    return null;
  }

  private static Result anyMatches(
      byte[] expected, List<String> given, boolean base64, String header) {
    for (String candidate : given) {
      byte[] decoded;
      try {
        decoded =
            base64
                ? Base64.getDecoder().decode(candidate.strip())
                : HexFormat.of().parseHex(candidate.strip().toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, decoded)) {
        return Result.ok(header + " verified");
      }
    }
    return Result.no(header + " does not match the body signed with the source's secret");
  }

  static byte[] mac(String algorithm, byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String queryParameter(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && decode(kv[0]).equals(name)) {
        return decode(kv[1]);
      }
    }
    return null;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
