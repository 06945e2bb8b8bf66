package eu.runlater.jobs;

import eu.runlater.engine.Header;
import eu.runlater.engine.SealedRequests;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.requests.SecretReentry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Which stored secrets an edit keeps without being given again, for {@link SecretReentry}: a PATCH
 * keeps what it does not name, the form keeps what it sends back as the mask. A PUT and a sync
 * document give the whole job, so they carry nothing: a secret they send is entered again.
 */
final class CarriedSecrets {
  private CarriedSecrets() {}

  /** The refusal for a PATCH that moves stored secrets to another origin, or empty. */
  static List<FieldError> byPatch(Job current, JobDraft stored, JsonNode patch, JobDraft next) {
    JsonNode given = patch.get("headers");
    List<String> carried = new ArrayList<>();
    for (Header h : storedSecretHeaders(current, stored)) {
      boolean named = given != null && given.isObject() && given.has(h.name());
      if (!named && keeps(next, h)) {
        carried.add(h.name());
      }
    }
    boolean body =
        current.request().bodySealed()
            && stored.body() != null
            && !patch.has("body")
            && Arrays.equals(stored.body(), next.body());
    return SecretReentry.check(current.request().url(), next.url(), carried, body);
  }

  /**
   * The refusal for a PATCH that would turn a stored secret it does not give again into a plain
   * value (dropping a name from {@code secret_headers}, or {@code secret_body: false}), so that
   * every answer would show it: a caller who never knew the value must not learn it that way.
   */
  static List<FieldError> revealedByPatch(
      Job current, JobDraft stored, JsonNode patch, JobDraft next) {
    JsonNode given = patch.get("headers");
    List<FieldError> errors = new ArrayList<>();
    for (Header h : storedSecretHeaders(current, stored)) {
      boolean named = given != null && given.isObject() && given.has(h.name());
      boolean stillSecret =
          SealedRequests.looksSecret(h.name())
              || next.secretHeaders().stream().anyMatch(n -> n.equalsIgnoreCase(h.name()));
      if (!named && !stillSecret && keeps(next, h)) {
        errors.add(
            new FieldError(
                "secret_headers",
                "leaves out "
                    + h.name()
                    + ", whose stored value is secret: it would be shown in the clear. Give its"
                    + " value again (headers."
                    + h.name()
                    + ") to make it a plain header"));
      }
    }
    if (current.request().bodySealed()
        && stored.body() != null
        && !patch.has("body")
        && !next.secretBody()
        && Arrays.equals(stored.body(), next.body())) {
      errors.add(
          new FieldError(
              "secret_body",
              "would show the stored secret body in the clear: give the body again to make it"
                  + " plain"));
    }
    return errors;
  }

  /** The refusal for a form that moves stored secrets (sent back masked) to another origin. */
  static List<FieldError> byForm(Job current, JobDraft stored, JobForm form, JobDraft next) {
    List<String> carried = new ArrayList<>();
    for (Header h : storedSecretHeaders(current, stored)) {
      boolean masked =
          form.headers().stream()
              .anyMatch(
                  r ->
                      r.name().equalsIgnoreCase(h.name()) && SealedRequests.MASK.equals(r.value()));
      if (masked && keeps(next, h)) {
        carried.add(h.name());
      }
    }
    boolean body =
        current.request().bodySealed()
            && stored.body() != null
            && SealedRequests.MASK.equals(form.body());
    return SecretReentry.check(current.request().url(), next.url(), carried, body);
  }

  private static List<Header> storedSecretHeaders(Job current, JobDraft stored) {
    List<String> secret = current.request().secretHeaderNames();
    return stored.headers().stream()
        .filter(h -> secret.stream().anyMatch(n -> n.equalsIgnoreCase(h.name())))
        .toList();
  }

  private static boolean keeps(JobDraft next, Header stored) {
    return next.headers().stream()
        .anyMatch(
            h -> h.name().equalsIgnoreCase(stored.name()) && h.value().equals(stored.value()));
  }
}
