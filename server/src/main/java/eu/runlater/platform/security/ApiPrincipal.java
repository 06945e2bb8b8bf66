package eu.runlater.platform.security;

import java.util.UUID;

/**
 * Who is calling the API: the organization an API key belongs to, and what the key may do.
 * Controllers take it as {@code @AuthenticationPrincipal ApiPrincipal caller} and scope every query
 * by {@link #organizationId()}.
 *
 * @param scope what the key may call, enforced by {@link ApiKeyAuthenticationFilter}
 * @param tier the code of the organization's tier as the key was verified (read with the key, so a
 *     job create need not read it again), or null when unknown
 */
public record ApiPrincipal(
    UUID organizationId, UUID apiKeyId, String publicId, ApiScope scope, String tier) {

  public ApiPrincipal {
    scope = scope == null ? ApiScope.FULL : scope;
  }

  /** A principal with every right (a key made before scopes existed), its tier unknown. */
  public ApiPrincipal(UUID organizationId, UUID apiKeyId, String publicId) {
    this(organizationId, apiKeyId, publicId, ApiScope.FULL, null);
  }
}
