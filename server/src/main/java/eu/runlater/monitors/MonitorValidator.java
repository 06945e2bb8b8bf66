package eu.runlater.monitors;

import eu.runlater.cron.CronParseException;
import eu.runlater.cron.CronSchedule;
import eu.runlater.organizations.Caps;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.TimeZones;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.StringNode;

/**
 * Checks a {@link MonitorInput} and collects every problem, each naming its field and the fix,
 * before anything is stored: a 422 changes nothing. The tier's shortest check interval is checked
 * here too, as a field error on {@code interval} (the form shows it beside the field); the tier's
 * count of monitors is checked by {@link MonitorCommands} when one is created.
 */
@Component
class MonitorValidator {
  static final int MAX_NAME = 200;
  static final int MAX_TAGS = 20;
  static final int MAX_KEYWORD = 1_000;
  static final Duration MIN_PERIOD = Duration.ofMinutes(1);
  static final Duration MAX_PERIOD = Duration.ofDays(365);
  static final Duration MAX_RUNTIME = Duration.ofDays(7);
  static final Duration MAX_INTERVAL = Duration.ofHours(24);
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
  static final int DEFAULT_CONFIRMATIONS = 2;
  static final int DEFAULT_TLS_EXPIRY_DAYS = 14;
  static final String DEFAULT_STATUSES = "200-299";

  static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,49}");
  static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,99}");
  private static final Pattern STATUSES =
      Pattern.compile("\\d{3}(-\\d{3})?(\\s*,\\s*\\d{3}(-\\d{3})?)*");

  private final RequestRules rules;
  private final Caps caps;

  MonitorValidator(RequestRules rules, Caps caps) {
    this.rules = rules;
    this.caps = caps;
  }

  /** The draft, or a 422 listing every invalid field. */
  MonitorDraft validate(MonitorInput in, Tier tier) {
    List<FieldError> errors = new ArrayList<>();
    MonitorDraft draft = check(in, tier, errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    return draft;
  }

  /** Every problem of {@code in} (the form shows them by field); empty when it is valid. */
  List<FieldError> problems(MonitorInput in, Tier tier) {
    List<FieldError> errors = new ArrayList<>();
    check(in, tier, errors);
    return errors;
  }

  private MonitorDraft check(MonitorInput in, Tier tier, List<FieldError> errors) {
    String name = in.name() == null ? "" : in.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      errors.add(new FieldError("name", "is required, 1 to " + MAX_NAME + " characters"));
    }
    String kind =
        in.kind() == null ? Monitor.HEARTBEAT : in.kind().strip().toLowerCase(Locale.ROOT);
    List<String> tags = tags(in.tags(), errors);
    return switch (kind) {
      case Monitor.HEARTBEAT -> heartbeat(in, name, tags, errors);
      case Monitor.HTTP, Monitor.TCP -> uptime(in, name, kind, tags, tier, errors);
      default -> {
        errors.add(new FieldError("kind", "must be heartbeat, http or tcp"));
        yield null;
      }
    };
  }

  private MonitorDraft heartbeat(
      MonitorInput in, String name, List<String> tags, List<FieldError> errors) {
    for (var other :
        List.of(
            new Object[] {"url", in.url()},
            new Object[] {"method", in.method()},
            new Object[] {"headers", in.headers()},
            new Object[] {"body", in.body()},
            new Object[] {"expected_statuses", in.expectedStatuses()},
            new Object[] {"keyword", in.keyword()},
            new Object[] {"max_response_ms", in.maxResponseMs()},
            new Object[] {"interval", in.interval()},
            new Object[] {"timeout", in.timeout()},
            new Object[] {"tls_expiry_days", in.tlsExpiryDays()})) {
      if (other[1] != null) {
        errors.add(
            new FieldError((String) other[0], "belongs to http and tcp monitors, not heartbeats"));
      }
    }
    String slug = null;
    if (in.slug() != null && !in.slug().isBlank()) {
      slug = in.slug().strip();
      if (!SLUG.matcher(slug).matches() || reservedSlug(slug)) {
        errors.add(
            new FieldError(
                "slug",
                "must be 1 to 100 lower-case letters, digits, - and _, starting with a letter or"
                    + " digit, and not 'start', 'fail' or a number"));
      }
    }
    Integer period = null;
    String cron = null;
    String zone = null;
    boolean hasPeriod = in.period() != null && !in.period().isBlank();
    boolean hasCron = in.cron() != null && !in.cron().isBlank();
    if (hasPeriod == hasCron) {
      errors.add(
          new FieldError(
              hasPeriod ? "cron" : "period",
              "give exactly one of 'period' (such as 1h) and 'cron' (such as 0 2 * * *)"));
    } else if (hasPeriod) {
      period = seconds("period", in.period(), MIN_PERIOD, MAX_PERIOD, errors);
      if (in.timezone() != null) {
        errors.add(new FieldError("timezone", "belongs to cron schedules, not a period"));
      }
    } else {
      try {
        cron = CronSchedule.parse(in.cron().strip()).expression();
      } catch (CronParseException e) {
        errors.add(new FieldError("cron", e.getMessage()));
      }
      ZoneId z = TimeZones.parse(in.timezone(), "timezone", errors);
      zone = z == null ? null : z.getId();
    }
    Integer grace =
        in.grace() == null || in.grace().isBlank()
            ? Integer.valueOf((int) Duration.ofMinutes(5).toSeconds())
            : seconds("grace", in.grace(), MIN_PERIOD, MAX_PERIOD, errors);
    Integer maxRuntime =
        in.maxRuntime() == null || in.maxRuntime().isBlank()
            ? null
            : seconds("max_runtime", in.maxRuntime(), MIN_PERIOD, MAX_RUNTIME, errors);
    return new MonitorDraft(
        name,
        Monitor.HEARTBEAT,
        tags,
        slug,
        period,
        cron,
        zone,
        grace,
        maxRuntime,
        null,
        null,
        null,
        null,
        false,
        null,
        true,
        null,
        null,
        DEFAULT_CONFIRMATIONS,
        null);
  }

  private MonitorDraft uptime(
      MonitorInput in,
      String name,
      String kind,
      List<String> tags,
      Tier tier,
      List<FieldError> errors) {
    for (var other :
        List.of(
            new Object[] {"slug", in.slug()},
            new Object[] {"period", in.period()},
            new Object[] {"cron", in.cron()},
            new Object[] {"timezone", in.timezone()},
            new Object[] {"grace", in.grace()},
            new Object[] {"max_runtime", in.maxRuntime()})) {
      if (other[1] != null) {
        errors.add(new FieldError((String) other[0], "belongs to heartbeat monitors, not " + kind));
      }
    }
    Duration shortest = caps.of(tier).minCheckInterval();
    Integer interval =
        in.interval() == null || in.interval().isBlank()
            ? Integer.valueOf((int) max(DEFAULT_INTERVAL, shortest).toSeconds())
            : seconds("interval", in.interval(), Duration.ofSeconds(1), MAX_INTERVAL, errors);
    if (interval != null && interval < shortest.toSeconds()) {
      errors.add(
          new FieldError(
              "interval",
              "the "
                  + tier.code()
                  + " tier checks at most every "
                  + HeartbeatRules.duration(shortest)
                  + "; give "
                  + HeartbeatRules.duration(shortest)
                  + " or more"
                  + (tier == Tier.FREE ? ", or upgrade to Pro" : "")));
    }
    Integer timeout =
        in.timeout() == null || in.timeout().isBlank()
            ? Integer.valueOf((int) DEFAULT_TIMEOUT.toSeconds())
            : seconds("timeout", in.timeout(), Duration.ofSeconds(1), MAX_TIMEOUT, errors);
    if (timeout != null && interval != null && timeout > interval) {
      errors.add(new FieldError("timeout", "must not be longer than the interval"));
    }
    int confirmations = DEFAULT_CONFIRMATIONS;
    if (in.confirmations() != null) {
      if (in.confirmations() < 1 || in.confirmations() > 10) {
        errors.add(new FieldError("confirmations", "must be 1 to 10 failed checks in a row"));
      } else {
        confirmations = in.confirmations();
      }
    }
    if (Monitor.TCP.equals(kind)) {
      for (var other :
          List.of(
              new Object[] {"method", in.method()},
              new Object[] {"headers", in.headers()},
              new Object[] {"body", in.body()},
              new Object[] {"expected_statuses", in.expectedStatuses()},
              new Object[] {"keyword", in.keyword()},
              new Object[] {"keyword_absent", in.keywordAbsent()},
              new Object[] {"follow_redirects", in.followRedirects()},
              new Object[] {"tls_expiry_days", in.tlsExpiryDays()})) {
        if (other[1] != null) {
          errors.add(new FieldError((String) other[0], "belongs to http monitors, not tcp"));
        }
      }
      String url = tcpUrl(in.url(), errors);
      Integer maxResponse = maxResponse(in.maxResponseMs(), timeout, errors);
      return new MonitorDraft(
          name,
          kind,
          tags,
          null,
          null,
          null,
          null,
          null,
          null,
          url,
          null,
          null,
          null,
          false,
          maxResponse,
          false,
          interval,
          timeout,
          confirmations,
          null);
    }
    RequestRules.Draft request =
        rules.request(
            in.url(),
            in.method(),
            in.headers(),
            in.secretHeaders(),
            in.body() == null ? null : StringNode.valueOf(in.body()),
            false,
            timeout == null ? null : timeout * 1000,
            errors);
    String statuses = DEFAULT_STATUSES;
    if (in.expectedStatuses() != null && !in.expectedStatuses().isBlank()) {
      statuses = statuses(in.expectedStatuses().strip(), errors);
    }
    String keyword = null;
    if (in.keyword() != null && !in.keyword().isEmpty()) {
      if (in.keyword().length() > MAX_KEYWORD) {
        errors.add(new FieldError("keyword", "must be at most " + MAX_KEYWORD + " characters"));
      }
      keyword = in.keyword();
    }
    if (Boolean.TRUE.equals(in.keywordAbsent()) && keyword == null) {
      errors.add(new FieldError("keyword_absent", "needs a keyword"));
    }
    Integer maxResponse = maxResponse(in.maxResponseMs(), timeout, errors);
    Integer tls = null;
    boolean https = request != null && request.url().regionMatches(true, 0, "https:", 0, 6);
    if (in.tlsExpiryDays() != null) {
      if (in.tlsExpiryDays() < 0 || in.tlsExpiryDays() > 365) {
        errors.add(new FieldError("tls_expiry_days", "must be 0 (off) to 365 days"));
      } else if (in.tlsExpiryDays() > 0) {
        tls = in.tlsExpiryDays();
      }
    } else if (https) {
      tls = DEFAULT_TLS_EXPIRY_DAYS;
    }
    return new MonitorDraft(
        name,
        kind,
        tags,
        null,
        null,
        null,
        null,
        null,
        null,
        request == null ? null : request.url(),
        request,
        statuses,
        keyword,
        Boolean.TRUE.equals(in.keywordAbsent()),
        maxResponse,
        in.followRedirects() == null || in.followRedirects(),
        interval,
        timeout,
        confirmations,
        tls);
  }

  private static Integer maxResponse(Integer ms, Integer timeout, List<FieldError> errors) {
    if (ms == null) {
      return null;
    }
    if (ms < 1 || timeout != null && ms > timeout * 1000) {
      errors.add(
          new FieldError("max_response_ms", "must be 1 ms up to the timeout, in milliseconds"));
      return null;
    }
    return ms;
  }

  /** {@code tcp://host:port} from that or {@code host:port}; the host a name or an IP literal. */
  private static String tcpUrl(String given, List<FieldError> errors) {
    String value = given == null ? "" : given.strip();
    if (value.isEmpty()) {
      errors.add(new FieldError("url", "is required: tcp://host:port"));
      return null;
    }
    if (!value.regionMatches(true, 0, "tcp://", 0, 6)) {
      value = "tcp://" + value;
    }
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null
          || uri.getPort() < 1
          || uri.getPort() > 65_535
          || (uri.getPath() != null && !uri.getPath().isEmpty())
          || uri.getQuery() != null
          || uri.getUserInfo() != null) {
        throw new URISyntaxException(value, "not host:port");
      }
      return "tcp://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort();
    } catch (URISyntaxException e) {
      errors.add(
          new FieldError("url", "must be tcp://host:port, such as tcp://db.example.com:5432"));
      return null;
    }
  }

  private static String statuses(String text, List<FieldError> errors) {
    if (!STATUSES.matcher(text).matches()) {
      errors.add(
          new FieldError(
              "expected_statuses", "must be codes and ranges such as 200-299 or 200,204,301-302"));
      return null;
    }
    for (String part : text.split(",")) {
      String[] range = part.strip().split("-");
      int low = Integer.parseInt(range[0]);
      int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
      if (low < 100 || high > 599 || low > high) {
        errors.add(
            new FieldError(
                "expected_statuses",
                "holds '" + part.strip() + "': codes are 100 to 599, low-high"));
        return null;
      }
    }
    return text.replaceAll("\\s+", "");
  }

  private static List<String> tags(List<String> given, List<FieldError> errors) {
    if (given == null) {
      return List.of();
    }
    LinkedHashSet<String> tags = new LinkedHashSet<>();
    for (String tag : given) {
      String t = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
      if (!TAG.matcher(t).matches()) {
        errors.add(
            new FieldError(
                "tags",
                "'"
                    + tag
                    + "' is not a tag: 1 to 50 lower-case letters, digits, . _ -, starting with a"
                    + " letter or digit"));
      } else {
        tags.add(t);
      }
    }
    if (tags.size() > MAX_TAGS) {
      errors.add(new FieldError("tags", "at most " + MAX_TAGS + " tags"));
    }
    return List.copyOf(tags);
  }

  /** Whether a slug would be read as a token's suffix in {@code /ping/<key>/<slug>}. */
  static boolean reservedSlug(String slug) {
    return slug.equals("start") || slug.equals("fail") || slug.chars().allMatch(Character::isDigit);
  }

  /** Seconds of a duration given as seconds or text, within bounds; null with an error. */
  static Integer seconds(
      String field, String text, Duration min, Duration max, List<FieldError> errors) {
    String value = text.strip();
    Duration d = null;
    if (value.chars().allMatch(Character::isDigit) && value.length() <= 9) {
      d = Duration.ofSeconds(Long.parseLong(value));
    } else {
      d = RequestRules.parseDelay(value);
    }
    if (d == null) {
      errors.add(
          new FieldError(
              field, "must be seconds (3600) or a duration such as 90s, 15m, 2h, 1d or PT1H"));
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0 || d.toMillis() % 1000 != 0) {
      errors.add(
          new FieldError(
              field,
              "must be whole seconds from "
                  + HeartbeatRules.duration(min)
                  + " to "
                  + HeartbeatRules.duration(max)));
      return null;
    }
    return (int) d.toSeconds();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
