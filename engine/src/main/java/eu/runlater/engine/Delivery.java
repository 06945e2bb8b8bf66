package eu.runlater.engine;

import eu.runlater.engine.http.HttpCall;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpOutcome;
import eu.runlater.engine.signing.WebhookSigner;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * One attempt of one task: opens its secrets, signs it (Standard Webhooks), sends it, and decides
 * what follows — done, retry at a time, or failed for good — by the delivery contract: 2xx
 * succeeds; network errors, timeouts, 408, 429 and 5xx retry with backoff (or after {@code
 * Retry-After}, capped at an hour); everything else, redirects included, fails at once.
 *
 * <p>Self-fenced: right before the send it asks whether the node's heartbeat is still fresh and the
 * node not declared dead since the claim ({@link Heartbeat#fence()}); if not, it sends nothing and
 * throws {@link Fenced}, and the task goes back unsent. What happens between the claim and the send
 * (opening secrets, looking up the signing secrets, which may query the database, a starved
 * machine) can take long enough for the node to be cut off, and the leader may be handing the task
 * to another node by then.
 */
final class Delivery {
  static final Duration RETRY_AFTER_CAP = Duration.ofHours(1);

  private final HttpDelivery http;
  private final SecretBox secrets;
  private final SigningSecrets signing;
  private final InstantSource clock;
  private final EngineConfig config;
  private final EngineMetrics metrics;
  private final java.util.function.Supplier<RandomGenerator> random;
  private final java.util.Map<String, Transport> transports;

  /** The attempt was not sent: the node's heartbeat had gone stale (see the class comment). */
  static final class Fenced extends RuntimeException {
    Fenced() {
      super("not sent: the node's heartbeat is stale", null, false, false);
    }
  }

  Delivery(
      HttpDelivery http,
      java.util.Map<String, Transport> transports,
      SecretBox secrets,
      SigningSecrets signing,
      InstantSource clock,
      EngineConfig config,
      EngineMetrics metrics,
      java.util.function.Supplier<RandomGenerator> random) {
    this.http = http;
    this.transports = java.util.Map.copyOf(transports);
    this.secrets = secrets;
    this.signing = signing;
    this.clock = clock;
    this.config = config;
    this.metrics = metrics;
    this.random = random;
  }

  /**
   * Sends one attempt and decides what follows.
   *
   * @param fence whether the node may still send this claim ({@link Heartbeat#fence()} as of the
   *     claim), asked right before the send
   * @throws Fenced when the fence said no: nothing was sent
   */
  Completion attempt(ClaimedTask task, java.util.function.BooleanSupplier fence) {
    Instant started = clock.instant();
    metrics.lateness(Duration.between(task.runAt(), started));
    var executionId = Ids.v7(started);
    Instant createdAt = Ids.instantOf(executionId);
    TaskRequest request = task.request();

    List<Header> generated = SentHeaders.generated(config.userAgent(), task, executionId, started);
    HttpOutcome outcome;
    String invalid = null;
    URI uri = null;
    try {
      uri = new URI(SealedRequests.openUrl(secrets, request));
    } catch (URISyntaxException e) {
      invalid = "invalid URL: " + e.getReason();
    }
    if (invalid != null) {
      outcome = new HttpOutcome.Failed(HttpOutcome.FailureKind.BLOCKED, invalid, 0);
    } else {
      List<Header> headers = new ArrayList<>();
      for (Header h : SealedRequests.openHeaders(secrets, request)) {
        if (!SealedRequests.reserved(h.name())) {
          headers.add(h);
        }
      }
      boolean userTrace = headers.stream().anyMatch(h -> h.name().equalsIgnoreCase("traceparent"));
      for (Header h : generated) {
        if (!(userTrace && h.name().equals("traceparent"))) {
          headers.add(h);
        }
      }
      byte[] body = SealedRequests.openBody(secrets, request);
      headers.add(signature(task, started, body));
      Duration timeout = Duration.ofMillis(request.timeoutMs());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!fence.getAsBoolean()) {
        throw new Fenced();
      }
      if (scheme.equals("http") || scheme.equals("https") || !transports.containsKey(scheme)) {
        outcome = http.send(new HttpCall(uri, request.method(), headers, body, timeout));
      } else {
        outcome =
            viaTransport(
                transports.get(scheme),
                new Transport.Message(
                    task.id(),
                    task.organizationId(),
                    task.attempt(),
                    uri,
                    request.method(),
                    headers,
                    body == null ? new byte[0] : body,
                    timeout));
      }
    }
    Instant finished = clock.instant();
    long durationUs = outcome.durationNanos() / 1_000;
    metrics.delivered(outcome, Duration.ofNanos(outcome.durationNanos()));
    return decide(task, executionId, createdAt, started, finished, durationUs, generated, outcome);
  }

  /**
   * A non-HTTP attempt, told in the HTTP client's terms so that one contract decides what follows.
   * Its time is bounded by the transport itself (a mail relay's own timeouts), not interrupted.
   */
  private static HttpOutcome viaTransport(Transport transport, Transport.Message message) {
    long start = System.nanoTime();
    try {
      Transport.Answer answer = transport.send(message);
      byte[] body = answer.body();
      boolean truncated = body.length > EXCERPT_LIMIT;
      if (truncated) {
        body = java.util.Arrays.copyOf(body, EXCERPT_LIMIT);
      }
      return new HttpOutcome.Responded(
          answer.status(), answer.headers(), body, truncated, "", System.nanoTime() - start);
    } catch (java.io.IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new HttpOutcome.Failed(
          HttpOutcome.FailureKind.IO,
          message.target().getScheme() + " transport: " + reason,
          System.nanoTime() - start);
    }
  }

  /** What a transport's answer may keep, as the HTTP client keeps of a response. */
  static final int EXCERPT_LIMIT = 256 * 1024;

  /** An attempt that failed inside the engine (a bug, an unopenable secret): retried as usual. */
  Completion internalFailure(ClaimedTask task, RuntimeException e) {
    Instant now = clock.instant();
    var executionId = Ids.v7(now);
    return decide(
        task,
        executionId,
        Ids.instantOf(executionId),
        now,
        now,
        0,
        List.of(),
        new HttpOutcome.Failed(
            HttpOutcome.FailureKind.IO, "internal error: " + e.getClass().getSimpleName(), 0));
  }

  private Completion decide(
      ClaimedTask task,
      java.util.UUID executionId,
      Instant createdAt,
      Instant started,
      Instant finished,
      long durationUs,
      List<Header> generated,
      HttpOutcome outcome) {
    String status;
    boolean retryable;
    Integer code = null;
    String error = null;
    ExecutionRecord.Response response = null;
    Duration retryAfter = null;
    switch (outcome) {
      case HttpOutcome.Responded r -> {
        code = r.status();
        response = new ExecutionRecord.Response(r.headers(), r.body(), r.bodyTruncated());
        if (r.status() >= 200 && r.status() < 300) {
          status = ExecutionRecord.SUCCESS;
          retryable = false;
        } else {
          status = ExecutionRecord.FAILED;
          retryable = r.status() == 408 || r.status() == 429 || r.status() >= 500;
          error = httpError(r);
          if (retryable) {
            retryAfter = retryAfter(r.headers(), finished);
          }
        }
      }
      case HttpOutcome.Failed f -> {
        error = f.message();
        switch (f.kind()) {
          case TIMEOUT -> {
            status = ExecutionRecord.TIMEOUT;
            retryable = true;
          }
          case BLOCKED -> {
            status = ExecutionRecord.BLOCKED;
            retryable = false;
          }
          default -> {
            status = ExecutionRecord.FAILED;
            retryable = true;
          }
        }
      }
    }
    Instant retryAt = null;
    if (retryable && task.canRetry()) {
      Duration wait =
          retryAfter != null
              ? retryAfter
              : task.backoff().delayAfter(task.failuresIfThisFails(), random.get());
      retryAt = finished.plus(wait);
    }
    boolean success = ExecutionRecord.SUCCESS.equals(status);
    Completion.HostSignal host = hostSignal(task, outcome, retryAfter, finished);
    ExecutionRecord execution =
        new ExecutionRecord(
            executionId,
            createdAt,
            status,
            success || retryAt == null,
            started,
            finished,
            durationUs,
            code,
            error,
            retryAt,
            generated,
            response,
            config.nodeId());
    return new Completion(task, execution, retryAt, host);
  }

  /**
   * What the attempt says about its target origin (see {@link HostGuard}), for the task's own
   * organization only:
   *
   * <ul>
   *   <li>a 429 or 503 with Retry-After throttles it (a 429 without one is left to the task's
   *       backoff);
   *   <li>what says the host is down counts towards its circuit: no connection (refused,
   *       unreachable, connect timeout), a connection reset or closed without an answer, a timeout,
   *       a 502/503/504 from it or its gateway, a name that does not resolve, a failed TLS
   *       handshake — each fails every path of the host alike;
   *   <li>any other answer, 500 and 4xx included, shows the host is up: it is about that endpoint,
   *       often about that one request (a handler that fails on one payload), so it is left to the
   *       task's own retries and backoff, and never holds another endpoint of the host.
   * </ul>
   *
   * A refused target never reached the host, and an engine-internal failure is not its fault.
   */
  private static Completion.HostSignal hostSignal(
      ClaimedTask task, HttpOutcome outcome, Duration retryAfter, Instant finished) {
    String host = HostKey.of(task.request().url());
    Completion.HostSignal.Kind kind =
        switch (outcome) {
          case HttpOutcome.Responded r
              when (r.status() == 429 || r.status() == 503) && retryAfter != null ->
              Completion.HostSignal.Kind.THROTTLED;
          case HttpOutcome.Responded r when r.status() == 429 -> Completion.HostSignal.Kind.NONE;
          case HttpOutcome.Responded r
              when r.status() == 502 || r.status() == 503 || r.status() == 504 ->
              Completion.HostSignal.Kind.FAILED;
          case HttpOutcome.Responded r -> Completion.HostSignal.Kind.ALIVE;
          case HttpOutcome.Failed f when f.kind() == HttpOutcome.FailureKind.BLOCKED ->
              Completion.HostSignal.Kind.NONE;
          case HttpOutcome.Failed f when f.message().startsWith("internal error:") ->
              Completion.HostSignal.Kind.NONE;
          case HttpOutcome.Failed f -> Completion.HostSignal.Kind.FAILED;
        };
    if (host.isEmpty() || kind == Completion.HostSignal.Kind.NONE) {
      return Completion.HostSignal.NONE;
    }
    return new Completion.HostSignal(
        host,
        kind,
        kind == Completion.HostSignal.Kind.THROTTLED ? finished.plus(retryAfter) : null);
  }

  private Header signature(ClaimedTask task, Instant started, byte[] body) {
    return new Header(
        "webhook-signature",
        WebhookSigner.signatureHeader(
            signing.forOrganization(task.organizationId()),
            task.id().toString(),
            started.getEpochSecond(),
            body));
  }

  private static String httpError(HttpOutcome.Responded r) {
    if (r.status() >= 300 && r.status() < 400) {
      String location =
          r.headers().stream()
              .filter(h -> h.name().equalsIgnoreCase("location"))
              .map(Header::value)
              .findFirst()
              .orElse("(none)");
      return "HTTP " + r.status() + ": redirects are not followed (Location: " + location + ")";
    }
    return "HTTP " + r.status();
  }

  /** {@code Retry-After} as seconds or an HTTP date, capped at an hour; null if absent. */
  static Duration retryAfter(List<Header> headers, Instant now) {
    for (Header h : headers) {
      if (!h.name().equalsIgnoreCase("retry-after")) {
        continue;
      }
      String value = h.value().strip();
      Duration wait = null;
      try {
        wait = Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException notSeconds) {
        try {
          Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          wait = Duration.between(now, at);
        } catch (DateTimeParseException notDate) {
          return null;
        }
      }
      if (wait.isNegative()) {
        return Duration.ZERO;
      }
      return wait.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : wait;
    }
    return null;
  }
}
