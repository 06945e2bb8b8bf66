package eu.runlater.apikeys;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.idempotency.SecretResponse;
import eu.runlater.platform.security.ApiPrincipal;
import eu.runlater.platform.security.ApiScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** API keys of the caller's organization. A created key's secret is shown in the response once. */
@RestController
@RequestMapping("/api/v1/api-keys")
@Tag(name = "API keys")
class ApiKeysApi {
  static final int MAX_NAME_LENGTH = 100;
  private final ApiKeys keys;

  ApiKeysApi(ApiKeys keys) {
    this.keys = keys;
  }

  /**
   * @param scope {@code full} (default: every call), {@code read-only} (GET and HEAD) or {@code
   *     send} (push messages, trigger jobs, start workflow runs, send events only)
   */
  record CreateKey(String name, String scope) {}

  record CreatedKey(ApiKey apiKey, String key) {}

  @GetMapping
  @Operation(summary = "List the organization's API keys (revoked ones included)")
  List<ApiKey> list(@AuthenticationPrincipal ApiPrincipal caller) {
    return keys.list(caller.organizationId());
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      summary = "Create an API key; the response holds the full key, shown only once",
      description =
          "scope: full (default; every call), read-only (GET and HEAD only) or send (push"
              + " messages, trigger jobs, start workflow runs and send events only). Only a full key creates keys or rotates"
              + " secrets. With an Idempotency-Key, a repeat is answered 409 idempotency-answer-withheld: the"
              + " key is never stored, and no second key is created.")
  @SecretResponse
  CreatedKey create(@AuthenticationPrincipal ApiPrincipal caller, @RequestBody CreateKey body) {
    String name = body.name() == null ? "" : body.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw ApiProblem.invalid("name", "must be 1 to " + MAX_NAME_LENGTH + " characters");
    }
    ApiScope scope = body.scope() == null ? ApiScope.FULL : ApiScope.of(body.scope());
    if (scope == null) {
      throw ApiProblem.invalid("scope", "must be one of full, read-only, send");
    }
    ApiKeys.CreatedApiKey created = keys.create(caller.organizationId(), name, null, scope);
    return new CreatedKey(created.key(), created.token());
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Revoke an API key; requests with it are refused from now on")
  ApiKey revoke(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return keys.revoke(caller.organizationId(), id);
  }
}
