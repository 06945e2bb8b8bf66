package eu.runlater.monitors;

import eu.runlater.engine.Header;
import eu.runlater.engine.Probes;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.engine.Transport;
import eu.runlater.platform.engine.SchemeTransport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs uptime checks for the engine: a task to {@code check:<target>} (source kind {@code monitor})
 * whose body is a {@link CheckSpec} is probed through {@link Probes} (the delivery path's SSRF
 * guard, every redirect hop included, cut at the monitor's timeout). It answers 200 when every
 * expectation holds and 417 when one does not, both with a {@link CheckResult} as JSON; with no
 * answer at all (refused, timed out, no such host) it throws an {@link IOException} whose message
 * says what happened. Checks have a single attempt: the next check is the retry.
 */
@Configuration(proxyBeanMethods = false)
class CheckTransport {
  static final String SCHEME = "check";

  @Bean(destroyMethod = "close")
  Probes uptimeProbes(TargetPolicy policy, CheckProperties properties) {
    // The engine sends its own User-Agent (Runlater/<version>) with every check, as with every
    // delivery, unless the monitor sets one; this one is never used.
    return new Probes(policy, "Runlater", properties.sslContext());
  }

  @Bean
  SchemeTransport checkSchemeTransport(Probes probes) {
    return new SchemeTransport(SCHEME, message -> send(probes, message));
  }

  static Transport.Answer send(Probes probes, Transport.Message message) throws IOException {
    CheckSpec spec = CheckSpec.parse(message.body());
    Probes.Result r = probe(probes, spec, ownHeaders(message.headers()), message.timeout());
    CheckResult result = judge(spec, r);
    if (!r.answered()) {
      throw new CheckFailedException(result.reason());
    }
    return new Transport.Answer(
        result.ok() ? 200 : 417,
        List.of(new Header("Content-Type", "application/json")),
        result.toJson());
  }

  static Probes.Result probe(
      Probes probes, CheckSpec spec, List<Header> headers, Duration timeout) {
    URI url = URI.create(spec.url());
    if ("tcp".equals(spec.kind())) {
      return probes.tcp(url.getHost().replaceAll("^\\[|]$", ""), url.getPort(), timeout);
    }
    return probes.http(
        new Probes.HttpProbe(
            url,
            spec.method() == null ? "GET" : spec.method(),
            headers,
            spec.bodyBytes(),
            timeout,
            spec.followRedirects()));
  }

  /** Whether the probe's answer meets the spec, and if not, why. */
  static CheckResult judge(CheckSpec spec, Probes.Result r) {
    long ms = r.duration().toMillis();
    if (!r.answered()) {
      return new CheckResult(false, null, ms, r.error(), null, null);
    }
    String reason = null;
    if ("http".equals(spec.kind()) && !spec.statusExpected(r.status())) {
      reason =
          "HTTP "
              + r.status()
              + ", expected "
              + (spec.expected() == null ? CheckSpec.DEFAULT_EXPECTED : spec.expected());
    } else if (spec.keyword() != null && !spec.keyword().isEmpty()) {
      boolean found = r.text().contains(spec.keyword());
      if (found && spec.keywordAbsent()) {
        reason = "the body contains \"" + spec.keyword() + "\", which must be absent";
      } else if (!found && !spec.keywordAbsent()) {
        reason =
            "the body does not contain \""
                + spec.keyword()
                + "\""
                + (r.bodyTruncated()
                    ? " in its first " + Probes.MAX_BODY_BYTES / 1024 + " KB"
                    : "");
      }
    }
    if (reason == null && spec.maxResponseMs() != null && ms > spec.maxResponseMs()) {
      reason = "answered in " + ms + " ms, more than the " + spec.maxResponseMs() + " ms allowed";
    }
    return new CheckResult(
        reason == null, r.status(), ms, reason, r.tlsNotAfter(), r.remoteAddress());
  }

  /**
   * The monitor's own headers: the engine adds its delivery headers (signature, ids, trace) to
   * every task; a check sends none of them.
   */
  static List<Header> ownHeaders(List<Header> all) {
    List<Header> own = new ArrayList<>();
    for (Header h : all) {
      String name = h.name().toLowerCase(Locale.ROOT);
      if (!name.startsWith("webhook-")
          && !name.startsWith("runlater-")
          && !name.equals("traceparent")
          && !name.equals("tracestate")) {
        own.add(h);
      }
    }
    return own;
  }

  /** No answer from the target: the engine records the message as the attempt's error. */
  static final class CheckFailedException extends IOException {
    CheckFailedException(String message) {
      super(message);
    }
  }
}
