package eu.runlater.queues;

import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.workflows.WorkflowStarts;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * What a message must be to be pushed: a deliverable request ({@link RequestRules}) and valid
 * delivery options (retries, delay, callbacks, dedup, ordering). Each problem is reported by field.
 */
@Component
class MessageRules {
  static final Duration MAX_DELAY = Duration.ofDays(365);
  static final Duration PAST_TOLERANCE = Duration.ofMinutes(1);
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private final RequestRules rules;

  MessageRules(RequestRules rules) {
    this.rules = rules;
  }

  /** A checked message, its secrets still in the clear. */
  record Draft(
      RequestRules.Draft request,
      Integer retries,
      Instant notBefore,
      String callbackUrl,
      String failureCallbackUrl,
      String dedupId,
      boolean contentBasedDedup,
      String orderingKey) {
    Draft withDedupId(String id) {
      return new Draft(
          request,
          retries,
          notBefore,
          callbackUrl,
          failureCallbackUrl,
          id,
          contentBasedDedup,
          orderingKey);
    }
  }

  /**
   * Checks a message, adding every problem to {@code errors} (named as in {@link MessageInput});
   * returns null when it added any.
   */
  Draft validate(MessageInput in, Instant now, List<FieldError> errors) {
    RequestRules.Draft request =
        in.workflow() != null
            ? workflowRequest(in, errors)
            : rules.request(
                in.url(),
                in.method(),
                in.headers(),
                in.secretHeaders(),
                in.body(),
                in.secretBody(),
                in.timeoutMs(),
                errors);
    return withOptions(request, in, now, errors);
  }

  /**
   * A message to a workflow: a POST of its body (the run's input) to the workflow's start URL
   * ({@link WorkflowStarts}); whether the workflow exists and takes the body is asked with the
   * organization, as the message is pushed ({@link Messages#pushAll}).
   */
  private static RequestRules.Draft workflowRequest(MessageInput in, List<FieldError> errors) {
    int before = errors.size();
    if (in.url() != null) {
      errors.add(new FieldError("url", "give either url or workflow, not both"));
    }
    if (in.method() != null) {
      errors.add(new FieldError("method", "is not given with a workflow target"));
    }
    if ((in.headers() != null && !in.headers().isEmpty())
        || (in.secretHeaders() != null && !in.secretHeaders().isEmpty())) {
      errors.add(new FieldError("headers", "are not given with a workflow target"));
    }
    if (Boolean.TRUE.equals(in.secretBody())) {
      errors.add(new FieldError("secret_body", "is not given with a workflow target"));
    }
    if (in.callbackUrl() != null || in.failureCallbackUrl() != null) {
      errors.add(
          new FieldError(
              in.callbackUrl() != null ? "callback_url" : "failure_callback_url",
              "is not given with a workflow target: the run's page and API tell its outcome"));
    }
    RequestRules.Draft draft =
        WorkflowStarts.draft(in.workflow(), in.body(), in.timeoutMs(), "workflow", "body", errors);
    return errors.size() > before ? null : draft;
  }

  /**
   * Adds a message's delivery options (retries, delay, callbacks, dedup, ordering) to a checked
   * request; only those fields of {@code in} are read. Returns null when anything was invalid.
   */
  Draft withOptions(
      RequestRules.Draft request, MessageInput in, Instant now, List<FieldError> errors) {
    int before = errors.size();
    if (in.retries() != null) {
      RequestRules.retries(in.retries(), 0, errors);
    }
    Instant notBefore = notBefore(in.delay(), in.notBefore(), now, errors);
    String callback =
        in.callbackUrl() == null ? null : rules.url("callback_url", in.callbackUrl(), errors);
    String failureCallback =
        in.failureCallbackUrl() == null
            ? null
            : rules.url("failure_callback_url", in.failureCallbackUrl(), errors);
    boolean contentDedup = Boolean.TRUE.equals(in.contentBasedDedup());
    if (in.dedupId() != null) {
      checkToken("dedup_id", in.dedupId(), errors);
      if (contentDedup) {
        errors.add(
            new FieldError(
                "content_based_dedup", "give either dedup_id or content_based_dedup, not both"));
      }
    }
    if (in.orderingKey() != null) {
      checkToken("ordering_key", in.orderingKey(), errors);
    }
    if (request == null || errors.size() > before) {
      return null;
    }
    return new Draft(
        request,
        in.retries(),
        notBefore,
        callback,
        failureCallback,
        in.dedupId(),
        contentDedup,
        in.orderingKey());
  }

  private static void checkToken(String field, String value, List<FieldError> errors) {
    if (!TOKEN.matcher(value).matches()) {
      errors.add(
          new FieldError(field, "must be 1 to 128 visible ASCII characters, without spaces"));
    }
  }

  static Instant notBefore(String delay, String at, Instant now, List<FieldError> errors) {
    if (delay != null && at != null) {
      errors.add(new FieldError("delay", "give either delay or not_before, not both"));
      return now;
    }
    Instant when = now;
    if (delay != null) {
      Duration d = RequestRules.parseDelay(delay);
      if (d == null) {
        errors.add(
            new FieldError(
                "delay", "must look like 500ms, 90s, 15m, 2h, 1d or an ISO-8601 duration"));
        return now;
      }
      when = now.plus(d);
    } else if (at != null) {
      try {
        when = OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "not_before", "must be an RFC 3339 timestamp such as 2026-01-31T09:00:00Z"));
        return now;
      }
      if (when.isBefore(now.minus(PAST_TOLERANCE))) {
        errors.add(new FieldError("not_before", "is in the past; leave it out to deliver now"));
        return now;
      }
    }
    if (when.isAfter(now.plus(MAX_DELAY))) {
      errors.add(
          new FieldError(delay != null ? "delay" : "not_before", "must be at most one year ahead"));
    }
    return when.isBefore(now) ? now : when;
  }

  /** The input with the queue's timeout when it gives none. */
  static MessageInput withTimeout(MessageInput in, int timeoutMs) {
    return in.timeoutMs() != null ? in : in.to(in.url(), in.headers(), timeoutMs);
  }
}
