package eu.runlater.inbound;

import eu.runlater.platform.api.JsonMergePatch;
import eu.runlater.platform.api.Page;
import eu.runlater.platform.security.ApiPrincipal;
import eu.runlater.platform.web.PublicUrl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Inbound webhook sources: each has a hosted URL that receives, verifies and stores requests. */
@RestController
@RequestMapping("/api/v1/sources")
@Tag(name = "Inbound sources")
class SourcesApi {
  private final Sources sources;
  private final PublicUrl publicUrl;
  private final JsonMapper json;

  SourcesApi(Sources sources, PublicUrl publicUrl, JsonMapper json) {
    this.sources = sources;
    this.publicUrl = publicUrl;
    this.json = json;
  }

  @PostMapping
  @Operation(
      summary = "Create a source",
      description =
          "{name, verification?: {type, secret, header?, algorithm?, encoding?, prefix?,"
              + " username?, tolerance_seconds?}, dedup?: {header | json_path}, response?:"
              + " {status, body, content_type}, rate_limit?: {requests, per_seconds}}. type is"
              + " none, stripe, github, shopify, slack, twilio, standard_webhooks (also Svix),"
              + " paddle, lemon_squeezy, hmac (header, algorithm sha1|sha256|sha512, encoding"
              + " hex|base64, prefix), basic_auth (username, secret = password) or api_key"
              + " (header, secret = the key). The answer's url is the hosted URL to give the"
              + " provider. Honours Idempotency-Key.")
  ResponseEntity<SourceView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody SourceInput input) {
    Source s = sources.create(caller.organizationId(), SourceRules.check(input, null));
    return ResponseEntity.created(URI.create("/api/v1/sources/" + s.id())).body(view(s));
  }

  @GetMapping
  @Operation(summary = "List sources, newest first, with cursor pagination")
  Page<SourceView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    var rows = sources.list(caller.organizationId(), Page.cursor(cursor), n + 1);
    return Page.of(rows, n, Source::id, this::view);
  }

  @GetMapping("/{id}")
  @Operation(summary = "A source, its hosted URL and settings (never its secret)")
  SourceView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(sources.get(caller.organizationId(), id));
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change a source (JSON Merge Patch: give the fields to change, null to remove)",
      description =
          "A verification without a secret keeps the stored one while its type stays the same;"
              + " a new type needs its secret. The hosted URL stays (rotate it with rotate-url).")
  SourceView patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody JsonNode patch) {
    var org = caller.organizationId();
    Source current = sources.get(org, id);
    SourceInput input =
        JsonMergePatch.applyAs(
            json.valueToTree(view(current).asInput()), patch, json, SourceInput.class, "a source");
    String newType = input.verification() == null ? "none" : input.verification().type();
    String kept =
        Objects.equals(newType, current.verification().type().code)
            ? current.verification().secret()
            : null;
    return view(sources.update(org, id, SourceRules.check(input, kept)));
  }

  @PostMapping("/{id}/rotate-url")
  @Operation(
      summary = "Give the source a new hosted URL",
      description = "The old URL answers 404 at once: give the provider the new one first.")
  SourceView rotate(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return view(sources.rotate(caller.organizationId(), id));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Delete a source with every request it received")
  ResponseEntity<Void> delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    sources.delete(caller.organizationId(), id);
    return ResponseEntity.noContent().build();
  }

  private SourceView view(Source s) {
    return SourceView.of(s, publicUrl.of("/in/" + s.token()));
  }
}
