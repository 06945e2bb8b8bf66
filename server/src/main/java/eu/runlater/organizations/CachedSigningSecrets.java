package eu.runlater.organizations;

import eu.runlater.engine.SigningSecrets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Signing secrets for the engine, cached for {@link #TTL} so a delivery does not cost a query and a
 * decryption. A rotation empties this node's entry at once and reaches every other node within the
 * TTL; during that window those nodes sign with the old secret alone, which receivers still accept
 * (they keep it for the 24-hour overlap).
 */
@Component
class CachedSigningSecrets implements SigningSecrets {
  static final Duration TTL = Duration.ofSeconds(30);

  private final Organizations organizations;
  private final InstantSource clock;
  private final Map<UUID, Entry> cache = new ConcurrentHashMap<>();

  CachedSigningSecrets(Organizations organizations, InstantSource clock) {
    this.organizations = organizations;
    this.clock = clock;
  }

  private record Entry(List<String> secrets, Instant expires) {}

  @Override
  public List<String> forOrganization(UUID organizationId) {
    Instant now = clock.instant();
    Entry entry = cache.get(organizationId);
    if (entry == null || entry.expires().isBefore(now)) {
      entry = new Entry(organizations.signingSecrets(organizationId), now.plus(TTL));
      cache.put(organizationId, entry);
    }
    return entry.secrets();
  }

  /** Forgets an organization's secrets (after a rotation on this node). */
  void evict(UUID organizationId) {
    cache.remove(organizationId);
  }

  @EventListener
  void rotated(Organizations.SigningSecretRotated event) {
    evict(event.organizationId());
  }
}
