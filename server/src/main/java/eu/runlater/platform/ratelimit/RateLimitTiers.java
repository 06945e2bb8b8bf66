package eu.runlater.platform.ratelimit;

import java.util.Optional;
import java.util.UUID;

/**
 * Which tier's quota applies to a caller. Platform owns the question and the organizations module
 * answers it, so the limiter reads no feature's tables and depends on no feature.
 */
public interface RateLimitTiers {
  /** The tier code ({@code free}, {@code pro}) of an organization, if it exists. */
  Optional<String> ofOrganization(UUID organizationId);

  /** The best tier among a signed-in user's organizations, if they have any. */
  Optional<String> ofUser(String email);
}
