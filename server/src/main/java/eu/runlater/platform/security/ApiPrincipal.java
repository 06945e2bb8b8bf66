package eu.runlater.platform.security;

import java.util.UUID;

/**
 * Who is calling the API: the organization an API key belongs to. Controllers take it as
 * {@code @AuthenticationPrincipal ApiPrincipal caller} and scope every query by {@link
 * #organizationId()}.
 */
public record ApiPrincipal(UUID organizationId, UUID apiKeyId, String publicId) {}
