package eu.runlater.organizations;

import static eu.runlater.organizations.CapsQueries.*;

import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.CapsProperties.TierCaps;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The caps of each tier, and the checks against what an organization holds (counted by triggers in
 * {@code organization_usage}, see V18). A check reads without locking: concurrent pushes may each
 * pass and go over a cap by at most what they add together, which is bounded by the pool size times
 * the largest push (1,000 messages).
 */
@Component
public class Caps {
  private final JdbcClient jdbc;
  private final CapsProperties configured;
  private volatile Map<Tier, TierCaps> caps;

  Caps(JdbcClient jdbc, CapsProperties configured) {
    this.jdbc = jdbc;
    this.configured = configured;
    reset();
  }

  public TierCaps of(Tier tier) {
    return caps.get(tier);
  }

  /** Replaces one tier's caps at runtime (tests; an operator's hook). */
  public void override(Tier tier, TierCaps value) {
    Map<Tier, TierCaps> next = new java.util.EnumMap<>(caps);
    next.put(tier, value);
    caps = Map.copyOf(next);
  }

  /** Back to the configured caps. */
  public void reset() {
    caps = Map.of(Tier.FREE, configured.free(), Tier.PRO, configured.pro());
  }

  /** What an organization holds against its caps. */
  public record Usage(Tier tier, long waitingMessages, long storedBytes) {}

  public Usage usage(UUID organizationId) {
    return jdbc.sql(USAGE)
        .param("id", organizationId)
        .query(
            (rs, n) ->
                new Usage(
                    Tier.of(rs.getString("tier")), rs.getLong("waiting"), rs.getLong("bytes")))
        .single();
  }

  /**
   * Refuses (429) a push of {@code messages} messages of {@code bytes} bytes in all that would take
   * the organization over its waiting-message or stored-bytes cap.
   */
  public void checkRoom(UUID organizationId, long messages, long bytes) {
    Usage usage = usage(organizationId);
    TierCaps cap = of(usage.tier());
    if (messages > 0 && usage.waitingMessages() + messages > cap.waitingMessages()) {
      throw new CapRefusal(
          HttpStatus.TOO_MANY_REQUESTS,
          "waiting-messages",
          "The "
              + usage.tier().code()
              + " tier allows "
              + cap.waitingMessages()
              + " waiting messages (accepted, not yet delivered); this organization has "
              + usage.waitingMessages()
              + " and the push adds "
              + messages
              + ". Push again once deliveries have caught up, cancel waiting messages, or"
              + " upgrade to Pro.");
    }
    long limit = cap.storedBytes().toBytes();
    if (bytes > 0 && usage.storedBytes() + bytes > limit) {
      throw new CapRefusal(
          HttpStatus.TOO_MANY_REQUESTS,
          "stored-bytes",
          "The "
              + usage.tier().code()
              + " tier allows "
              + limit
              + " bytes of stored requests (URLs, headers and bodies of waiting messages, dead"
              + " letters and jobs); this organization holds "
              + usage.storedBytes()
              + " and this adds "
              + bytes
              + ". Wait for deliveries, delete dead letters, jobs or waiting messages, send"
              + " smaller bodies, or upgrade to Pro.");
    }
  }

  /**
   * Refuses (422) a new organization for a user who owns as many as their best tier allows. Locks
   * the user's row, so two creations at once are counted one after the other; call it in the
   * transaction that creates the organization.
   */
  public void checkOrganizations(UUID userId) {
    jdbc.sql(USER_LOCK).param("id", userId).query(UUID.class).list();
    record Owned(long count, boolean pro) {}
    Owned owned =
        jdbc.sql(ORGANIZATIONS_OWNED)
            .param("id", userId)
            .query((rs, n) -> new Owned(rs.getLong("owned"), rs.getBoolean("pro")))
            .single();
    Tier tier = owned.pro() ? Tier.PRO : Tier.FREE;
    int limit = of(tier).organizationsPerUser();
    if (owned.count() >= limit) {
      throw new CapRefusal(
          HttpStatus.UNPROCESSABLE_CONTENT,
          "organizations",
          "You own "
              + owned.count()
              + " organizations; the "
              + tier.code()
              + " tier allows "
              + limit
              + " per user. Delete one you no longer use, or ask the operator for Pro.");
    }
  }

  /**
   * Counts an invitation mail to {@code email} from the organization, or refuses it (429) when the
   * organization has sent its tier's invitations for the last 24 hours, or the address has had its
   * share. Call it under the organization's lock ({@code Members.lock}), in the transaction that
   * issues the invitation.
   */
  public void recordInvite(UUID organizationId, Tier tier, String email, Instant now) {
    TierCaps cap = of(tier);
    java.time.OffsetDateTime dayAgo = SqlTime.ts(now.minus(Duration.ofDays(1)));
    long sent =
        jdbc.sql(INVITE_SENDS_BY_ORGANIZATION_COUNT)
            .param("org", organizationId)
            .param("since", dayAgo)
            .query(Long.class)
            .single();
    if (sent >= cap.invitesPerDay()) {
      throw new CapRefusal(
          HttpStatus.TOO_MANY_REQUESTS,
          "invites-per-day",
          "This organization has sent "
              + sent
              + " invitations in the last 24 hours; the "
              + tier.code()
              + " tier allows "
              + cap.invitesPerDay()
              + ". Try again tomorrow.");
    }
    long toAddress =
        jdbc.sql(INVITE_SENDS_TO_EMAIL_COUNT)
            .param("email", email)
            .param("since", dayAgo)
            .query(Long.class)
            .single();
    if (toAddress >= cap.invitesPerRecipientPerDay()) {
      throw new CapRefusal(
          HttpStatus.TOO_MANY_REQUESTS,
          "invites-per-recipient",
          email
              + " has been sent "
              + toAddress
              + " invitations in the last 24 hours; at most "
              + cap.invitesPerRecipientPerDay()
              + " a day reach one address. Ask them to use the link they have, or try again"
              + " tomorrow.");
    }
    jdbc.sql(INVITE_SENDS_PURGE)
        .param("org", organizationId)
        .param("before", SqlTime.ts(now.minus(Duration.ofDays(2))))
        .update();
    jdbc.sql(INVITE_SEND_INSERT)
        .param("org", organizationId)
        .param("email", email)
        .param("now", SqlTime.ts(now))
        .update();
  }
}
