package eu.runlater.alerts;

import eu.runlater.engine.SealedRequests;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.platform.errors.FieldError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The settings of each kind of channel: which exist, which are secret (sealed at rest, masked when
 * shown), and what a valid value is. Every problem is a field error named {@code settings.<name>}.
 *
 * <p>URLs must be https, and pass the SSRF guard ({@link TargetPolicy#checkUrl}). Plain http is
 * taken only for a host that is a private address literal (or {@code localhost}) which the
 * operator's {@code RUNLATER_ALLOW_PRIVATE_TARGETS} allows: a relay or test server on their own
 * network. Slack, Discord, Teams and webhook URLs are not tied to the services' hosts, so a proxy
 * or a self-hosted gateway works too.
 */
@Component
class ChannelSettings {
  static final int MAX_URL = 2_048;
  static final int MAX_ADDRESSES = 50;
  static final int MAX_HEADERS = 20;
  static final Set<String> ROLES = Set.of("owner", "admin", "member");
  static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s,;<>\"]+@[^@\\s,;<>\"]+\\.[^@\\s,;<>\"]+");
  private static final Pattern TELEGRAM_TOKEN = Pattern.compile("\\d{3,20}:[A-Za-z0-9_-]{20,100}");
  private static final Pattern TELEGRAM_CHAT =
      Pattern.compile("-?\\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}");
  private static final Pattern NTFY_TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern NTFY_TOKEN = Pattern.compile("[\\x21-\\x7e]{1,256}");
  private static final Pattern PAGERDUTY_KEY = Pattern.compile("[A-Za-z0-9]{32}");
  private static final Pattern PUSHOVER_KEY = Pattern.compile("[A-Za-z0-9]{30}");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

  /** The settings of one channel, split into what is stored in the clear and what is sealed. */
  record Split(Map<String, Object> plain, Map<String, Object> secrets) {
    Split {
      plain = new LinkedHashMap<>(plain);
      secrets = new LinkedHashMap<>(secrets);
    }

    static Split empty() {
      return new Split(Map.of(), Map.of());
    }

    String string(String name) {
      Object v = secrets.containsKey(name) ? secrets.get(name) : plain.get(name);
      return v == null ? null : v.toString();
    }
  }

  /** A setting of a kind: secret or not, and whether a channel may do without it. */
  private record Setting(String name, boolean secret, boolean optional) {}

  private static final Map<ChannelKind, List<Setting>> SETTINGS =
      Map.of(
          ChannelKind.EMAIL,
          List.of(new Setting("roles", false, true), new Setting("addresses", false, true)),
          ChannelKind.SLACK,
          List.of(new Setting("webhook_url", true, false)),
          ChannelKind.DISCORD,
          List.of(new Setting("webhook_url", true, false)),
          ChannelKind.TEAMS,
          List.of(new Setting("webhook_url", true, false)),
          ChannelKind.TELEGRAM,
          List.of(new Setting("bot_token", true, false), new Setting("chat_id", false, false)),
          ChannelKind.NTFY,
          List.of(
              new Setting("server_url", false, true),
              new Setting("topic", true, false),
              new Setting("access_token", true, true),
              new Setting("priority", false, true)),
          ChannelKind.PAGERDUTY,
          List.of(new Setting("routing_key", true, false), new Setting("severity", false, true)),
          ChannelKind.PUSHOVER,
          List.of(
              new Setting("app_token", true, false),
              new Setting("user_key", true, false),
              new Setting("priority", false, true)),
          ChannelKind.WEBHOOK,
          List.of(new Setting("url", true, false), new Setting("headers", false, true)));

  private final TargetPolicy policy;

  ChannelSettings(TargetPolicy policy) {
    this.policy = policy;
  }

  /** The names a kind takes, for messages. */
  static List<String> names(ChannelKind kind) {
    return SETTINGS.get(kind).stream().map(Setting::name).toList();
  }

  /**
   * The settings after {@code given} is applied over {@code stored} (empty on create): a given null
   * removes an optional setting; a secret left out, or given back masked, keeps the stored one.
   * Returns null when it added errors.
   */
  Split apply(ChannelKind kind, Map<String, Object> given, Split stored, List<FieldError> errors) {
    int before = errors.size();
    Map<String, Setting> known = new LinkedHashMap<>();
    SETTINGS.get(kind).forEach(s -> known.put(s.name(), s));
    Map<String, Object> plain = new LinkedHashMap<>(stored.plain());
    Map<String, Object> secrets = new LinkedHashMap<>(stored.secrets());
    Map<String, Object> input = given == null ? Map.of() : given;
    for (var entry : input.entrySet()) {
      Setting setting = known.get(entry.getKey());
      String field = "settings." + entry.getKey();
      if (setting == null) {
        errors.add(
            new FieldError(
                field,
                "is not a setting of a "
                    + kind.apiName()
                    + " channel; it takes "
                    + String.join(", ", names(kind))));
        continue;
      }
      Object value = entry.getValue();
      if (setting.name().equals("headers")) {
        headers(value, stored, plain, secrets, errors);
      } else if (value == null) {
        if (!setting.optional()) {
          errors.add(new FieldError(field, "is required and cannot be removed"));
        }
        plain.remove(setting.name());
        secrets.remove(setting.name());
      } else if (setting.secret()) {
        Object kept = secrets.get(setting.name());
        if (kept != null && isMaskOf(value, kept.toString())) {
          continue; // given back as shown: keep the stored one
        }
        secrets.put(setting.name(), value);
      } else {
        plain.put(setting.name(), value);
      }
    }
    if (errors.size() > before) {
      return null;
    }
    for (Setting s : SETTINGS.get(kind)) {
      Object value = s.secret() ? secrets.get(s.name()) : plain.get(s.name());
      if (value == null && !s.optional()) {
        errors.add(
            new FieldError(
                "settings." + s.name(), "is required for a " + kind.apiName() + " channel"));
      }
    }
    if (errors.size() > before) {
      return null;
    }
    check(kind, plain, secrets, errors);
    return errors.size() > before ? null : new Split(plain, secrets);
  }

  private static boolean isMaskOf(Object given, String stored) {
    return given instanceof String s
        && (s.equals(SealedRequests.MASK) || s.equals(SealedRequests.shownUrl(stored)));
  }

  /** Checks values and normalizes them in place (trimmed strings, numbers as integers). */
  private void check(
      ChannelKind kind,
      Map<String, Object> plain,
      Map<String, Object> secrets,
      List<FieldError> errors) {
    switch (kind) {
      case EMAIL -> {
        List<String> roles = strings("roles", plain.get("roles"), errors);
        List<String> addresses = strings("addresses", plain.get("addresses"), errors);
        if (roles == null || addresses == null) {
          return;
        }
        for (String role : roles) {
          if (!ROLES.contains(role)) {
            errors.add(
                new FieldError(
                    "settings.roles", "takes owner, admin and member, not '" + role + "'"));
          }
        }
        if (addresses.size() > MAX_ADDRESSES) {
          errors.add(
              new FieldError(
                  "settings.addresses", "takes at most " + MAX_ADDRESSES + " addresses"));
        }
        for (String address : addresses) {
          if (!EMAIL.matcher(address).matches() || address.length() > 254) {
            errors.add(
                new FieldError("settings.addresses", "'" + address + "' is not an email address"));
          }
        }
        if (roles.isEmpty() && addresses.isEmpty()) {
          errors.add(
              new FieldError(
                  "settings.addresses",
                  "give at least one recipient: addresses, or roles (owner, admin, member)"));
        }
        putOrRemove(
            plain, "roles", roles.isEmpty() ? null : List.copyOf(new LinkedHashSet<>(roles)));
        putOrRemove(
            plain,
            "addresses",
            addresses.isEmpty() ? null : List.copyOf(new LinkedHashSet<>(addresses)));
      }
      case SLACK, DISCORD, TEAMS -> url("webhook_url", secrets, errors);
      case WEBHOOK -> url("url", secrets, errors);
      case TELEGRAM -> {
        matching(
            "bot_token",
            secrets,
            TELEGRAM_TOKEN,
            "is not a bot token (123456789:AA…, from @BotFather)",
            errors);
        Object chat = plain.get("chat_id");
        String id =
            chat instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(chat).strip();
        if (!TELEGRAM_CHAT.matcher(id).matches()) {
          errors.add(
              new FieldError(
                  "settings.chat_id",
                  "is a numeric chat id (-1001234567890) or a channel's @username"));
        } else {
          plain.put("chat_id", id);
        }
      }
      case NTFY -> {
        if (plain.containsKey("server_url")) {
          url("server_url", plain, errors);
        }
        matching("topic", secrets, NTFY_TOPIC, "is letters, digits, _ and - (at most 64)", errors);
        if (secrets.containsKey("access_token")) {
          matching(
              "access_token",
              secrets,
              NTFY_TOKEN,
              "is an access token (tk_…) with no spaces",
              errors);
        }
        integer("priority", plain, 1, 5, errors);
      }
      case PAGERDUTY -> {
        matching(
            "routing_key",
            secrets,
            PAGERDUTY_KEY,
            "is the integration's 32-character routing key",
            errors);
        if (plain.containsKey("severity")) {
          String severity = String.valueOf(plain.get("severity")).strip().toLowerCase(Locale.ROOT);
          if (!SEVERITIES.contains(severity)) {
            errors.add(new FieldError("settings.severity", "is critical, error, warning or info"));
          } else {
            plain.put("severity", severity);
          }
        }
      }
      case PUSHOVER -> {
        matching(
            "app_token",
            secrets,
            PUSHOVER_KEY,
            "is the application's 30-character API token",
            errors);
        matching(
            "user_key", secrets, PUSHOVER_KEY, "is the 30-character user or group key", errors);
        integer("priority", plain, -2, 1, errors);
      }
    }
  }

  private void url(String name, Map<String, Object> values, List<FieldError> errors) {
    String field = "settings." + name;
    if (!(values.get(name) instanceof String raw) || raw.isBlank()) {
      errors.add(new FieldError(field, "is a URL (https://…)"));
      return;
    }
    String url = raw.strip();
    String problem = urlProblem(url);
    if (problem != null) {
      errors.add(new FieldError(field, problem));
      return;
    }
    values.put(name, url);
  }

  /** What is wrong with a channel's URL, or null. */
  String urlProblem(String url) {
    if (url.length() > MAX_URL) {
      return "is longer than " + MAX_URL + " characters";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a URL: " + e.getReason();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return "must be an https:// URL with a host";
    }
    String refused = policy.checkUrl(uri);
    if (refused != null) {
      return refused;
    }
    if (scheme.equals("http") && !privateHost(uri.getHost())) {
      return "must start with https:// (plain http only reaches an allowed private address)";
    }
    return null;
  }

  private static boolean privateHost(String host) {
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (literal.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      InetAddress address = InetAddress.ofLiteral(literal);
      return address.isLoopbackAddress()
          || address.isSiteLocalAddress()
          || address.isLinkLocalAddress()
          || (address.getAddress().length == 16 && (address.getAddress()[0] & 0xfe) == 0xfc);
    } catch (IllegalArgumentException notALiteral) {
      return false;
    }
  }

  private static void matching(
      String name,
      Map<String, Object> values,
      Pattern pattern,
      String message,
      List<FieldError> errors) {
    String value = values.get(name) instanceof String s ? s.strip() : null;
    if (value == null || !pattern.matcher(value).matches()) {
      errors.add(new FieldError("settings." + name, message));
    } else {
      values.put(name, value);
    }
  }

  private static void integer(
      String name, Map<String, Object> values, int min, int max, List<FieldError> errors) {
    if (!values.containsKey(name)) {
      return;
    }
    Object v = values.get(name);
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.intValue() >= min
        && n.intValue() <= max) {
      values.put(name, n.intValue());
    } else {
      errors.add(
          new FieldError("settings." + name, "is a whole number from " + min + " to " + max));
    }
  }

  private static List<String> strings(String name, Object value, List<FieldError> errors) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      errors.add(new FieldError("settings." + name, "is a list of strings"));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank()) {
        errors.add(new FieldError("settings." + name, "is a list of strings"));
        return null;
      }
      out.add(s.strip().toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private static void putOrRemove(Map<String, Object> map, String name, Object value) {
    if (value == null) {
      map.remove(name);
    } else {
      map.put(name, value);
    }
  }

  /**
   * A webhook's headers: a given object replaces them all; a value given back masked keeps the
   * stored secret. Secret-looking names ({@link SealedRequests#looksSecret}) are sealed.
   */
  @SuppressWarnings("unchecked")
  private static void headers(
      Object value,
      Split stored,
      Map<String, Object> plain,
      Map<String, Object> secrets,
      List<FieldError> errors) {
    plain.remove("headers");
    secrets.remove("headers");
    if (value == null) {
      return;
    }
    if (!(value instanceof Map<?, ?> given)) {
      errors.add(new FieldError("settings.headers", "is an object of header names to values"));
      return;
    }
    if (given.size() > MAX_HEADERS) {
      errors.add(new FieldError("settings.headers", "takes at most " + MAX_HEADERS + " headers"));
      return;
    }
    Map<String, Object> storedSecret =
        stored.secrets().get("headers") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<String, String> open = new LinkedHashMap<>();
    Map<String, String> sealed = new LinkedHashMap<>();
    for (var e : given.entrySet()) {
      String name = String.valueOf(e.getKey());
      String field = "settings.headers." + name;
      if (!HEADER_NAME.matcher(name).matches()) {
        errors.add(new FieldError(field, "is not a header name"));
        continue;
      }
      if (SealedRequests.reserved(name) || name.equalsIgnoreCase("content-type")) {
        errors.add(new FieldError(field, "is set by Runlater; leave it out"));
        continue;
      }
      if (!(e.getValue() instanceof String v)
          || v.indexOf('\r') >= 0
          || v.indexOf('\n') >= 0
          || v.length() > 4_096) {
        errors.add(new FieldError(field, "is one line of text (at most 4096 characters)"));
        continue;
      }
      if (SealedRequests.looksSecret(name)) {
        Object kept = storedSecret.get(name);
        sealed.put(name, v.equals(SealedRequests.MASK) && kept != null ? kept.toString() : v);
      } else {
        open.put(name, v);
      }
    }
    if (!open.isEmpty()) {
      plain.put("headers", open);
    }
    if (!sealed.isEmpty()) {
      secrets.put("headers", sealed);
    }
  }

  /** The settings as shown: secrets masked, a URL as its shown form. */
  static Map<String, Object> masked(Split split) {
    Map<String, Object> shown = new LinkedHashMap<>(split.plain());
    for (var e : split.secrets().entrySet()) {
      switch (e.getKey()) {
        case "webhook_url", "url" ->
            shown.put(e.getKey(), SealedRequests.shownUrl(e.getValue().toString()));
        case "headers" -> {
          Map<String, Object> headers = new LinkedHashMap<>();
          if (shown.get("headers") instanceof Map<?, ?> open) {
            open.forEach((k, v) -> headers.put(String.valueOf(k), v));
          }
          if (e.getValue() instanceof Map<?, ?> secret) {
            secret.keySet().forEach(k -> headers.put(String.valueOf(k), SealedRequests.MASK));
          }
          shown.put("headers", headers);
        }
        default -> shown.put(e.getKey(), SealedRequests.MASK);
      }
    }
    return shown;
  }
}
