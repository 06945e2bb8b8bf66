package eu.runlater.inbound;

import eu.runlater.platform.errors.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a source checks that a request comes from its provider, with the secret opened.
 *
 * @param secret the signing secret (Stripe's {@code whsec_…}, Slack's signing secret, Twilio's auth
 *     token, …), basic auth's password or the API key's value; null for {@code none}
 * @param header the generic HMAC's and the API key's header
 * @param algorithm the generic HMAC's hash
 * @param encoding the generic HMAC's signature encoding: {@code hex} or {@code base64}
 * @param prefix what the generic HMAC's header value starts with before the signature ({@code
 *     sha256=}); may be null
 * @param username basic auth's user name
 * @param toleranceSeconds how far a signed timestamp may be from the time received
 */
record VerificationSpec(
    Type type,
    String secret,
    String header,
    Algorithm algorithm,
    String encoding,
    String prefix,
    String username,
    int toleranceSeconds) {
  static final int DEFAULT_TOLERANCE = 300;
  static final int MAX_TOLERANCE = 86_400;
  static final VerificationSpec NONE =
      new VerificationSpec(Type.NONE, null, null, null, null, null, null, DEFAULT_TOLERANCE);

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

  /** The kinds of verification, by their code in the API. */
  enum Type {
    NONE("none"),
    STRIPE("stripe"),
    GITHUB("github"),
    SHOPIFY("shopify"),
    SLACK("slack"),
    TWILIO("twilio"),
    STANDARD_WEBHOOKS("standard_webhooks"),
    PADDLE("paddle"),
    LEMON_SQUEEZY("lemon_squeezy"),
    HMAC("hmac"),
    BASIC_AUTH("basic_auth"),
    API_KEY("api_key");

    final String code;

    Type(String code) {
      this.code = code;
    }

    static Type of(String code) {
      for (Type t : values()) {
        if (t.code.equals(code)) {
          return t;
        }
      }
      return null;
    }

    static String codes() {
      List<String> codes = new ArrayList<>();
      for (Type t : values()) {
        codes.add(t.code);
      }
      return String.join(", ", codes);
    }
  }

  /** The generic HMAC's hashes. */
  enum Algorithm {
    SHA1("HmacSHA1"),
    SHA256("HmacSHA256"),
    SHA512("HmacSHA512");

    private final String mac;

    Algorithm(String mac) {
      this.mac = mac;
    }

    String mac() {
      return mac;
    }

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The spec an API input describes, or the field errors that say what to fix. A null secret keeps
   * {@code kept} (an update that leaves the secret out keeps the stored one).
   */
  static VerificationSpec from(SourceInput.Verification in, String kept, List<FieldError> errors) {
    if (in == null) {
      return NONE;
    }
    Type type = Type.of(in.type() == null ? "none" : in.type().strip().toLowerCase(Locale.ROOT));
    if (type == null) {
      errors.add(new FieldError("verification.type", "must be one of " + Type.codes()));
      return NONE;
    }
    if (type == Type.NONE) {
      return NONE;
    }
    String secret = in.secret() != null ? in.secret() : kept;
    if (secret == null || secret.isBlank()) {
      errors.add(
          new FieldError(
              "verification.secret",
              switch (type) {
                case BASIC_AUTH -> "is required: the password the provider sends";
                case API_KEY -> "is required: the key the provider sends in the header";
                default -> "is required: the provider's signing secret for this endpoint";
              }));
    } else if (secret.length() > 1000) {
      errors.add(new FieldError("verification.secret", "must be at most 1000 characters"));
    }
    int tolerance = DEFAULT_TOLERANCE;
    if (in.toleranceSeconds() != null) {
      tolerance = in.toleranceSeconds();
      if (tolerance < 1 || tolerance > MAX_TOLERANCE) {
        errors.add(
            new FieldError(
                "verification.tolerance_seconds", "must be 1 to " + MAX_TOLERANCE + " seconds"));
      }
    }
    String header = null;
    Algorithm algorithm = null;
    String encoding = null;
    String prefix = null;
    String username = null;
    switch (type) {
      case HMAC -> {
        header = headerName(in.header(), null, errors);
        String a =
            in.algorithm() == null ? "sha256" : in.algorithm().strip().toLowerCase(Locale.ROOT);
        try {
          algorithm = Algorithm.valueOf(a.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          errors.add(new FieldError("verification.algorithm", "must be sha1, sha256 or sha512"));
        }
        encoding = in.encoding() == null ? "hex" : in.encoding().strip().toLowerCase(Locale.ROOT);
        if (!encoding.equals("hex") && !encoding.equals("base64")) {
          errors.add(new FieldError("verification.encoding", "must be hex or base64"));
        }
        prefix = in.prefix() == null || in.prefix().isEmpty() ? null : in.prefix();
        if (prefix != null && prefix.length() > 50) {
          errors.add(new FieldError("verification.prefix", "must be at most 50 characters"));
        }
      }
      case API_KEY -> header = headerName(in.header(), "X-Api-Key", errors);
      case BASIC_AUTH -> {
        username = in.username();
        if (username == null || username.isEmpty() || username.contains(":")) {
          errors.add(
              new FieldError("verification.username", "is required for basic_auth, without a ':'"));
        }
      }
      default -> {}
    }
    return new VerificationSpec(
        type, secret, header, algorithm, encoding, prefix, username, tolerance);
  }

  private static String headerName(String given, String fallback, List<FieldError> errors) {
    String name = given == null || given.isBlank() ? fallback : given.strip();
    if (name == null) {
      errors.add(new FieldError("verification.header", "is required: the signature's header"));
      return null;
    }
    if (!HEADER_NAME.matcher(name).matches()) {
      errors.add(new FieldError("verification.header", "is not a valid header name"));
      return null;
    }
    return name;
  }

  /** The header whose value is a credential, hidden in the stored request; null if none. */
  String credentialHeader() {
    return switch (type) {
      case BASIC_AUTH -> "authorization";
      case API_KEY -> header.toLowerCase(Locale.ROOT);
      default -> null;
    };
  }
}
