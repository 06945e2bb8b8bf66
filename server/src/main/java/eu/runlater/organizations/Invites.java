package eu.runlater.organizations;

import static eu.runlater.organizations.InvitesQueries.*;
import static eu.runlater.organizations.MembersQueries.MEMBER_BY_EMAIL_COUNT;

import eu.runlater.accounts.LinkTokens;
import eu.runlater.accounts.User;
import eu.runlater.accounts.Users;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.PageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invitations by email. The link carries 256 random bits and only their SHA-256 is stored ({@link
 * LinkTokens}); an invite is accepted or declined once, lapses after {@link #TTL}, and a resend
 * replaces its token. Pending invites take a seat of the tier's member limit.
 */
@Service
class Invites {
  public static final Duration TTL = Duration.ofDays(7);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Members members;
  private final InstantSource clock;
  private final Caps caps;

  Invites(
      JdbcClient jdbc, TransactionTemplate tx, Members members, InstantSource clock, Caps caps) {
    this.caps = caps;
    this.jdbc = jdbc;
    this.tx = tx;
    this.members = members;
    this.clock = clock;
  }

  /** The least time between two mails of one invitation. */
  static final Duration RESEND_AFTER = Duration.ofMinutes(1);

  /** An invite just created or resent, with the token its link carries (mailed, never stored). */
  public record Issued(Invite invite, String token) {}

  /**
   * Invites {@code email} as {@code role}, by {@code invitedBy}, whose role (read under the
   * organization's lock) must allow managing the team. Admins may not invite owners; an address
   * that is a member or has a live invitation is refused, and so is an invite over the tier's
   * member limit.
   */
  public Issued create(UUID organizationId, UUID invitedBy, String email, Role role) {
    String address = Users.normalize(email);
    return tx.execute(
        status -> {
          Tier tier = members.lock(organizationId);
          Role actor = members.get(organizationId, invitedBy).role();
          if (!actor.may(Permission.MANAGE_TEAM)) {
            throw PageException.forbidden("invite members");
          }
          if (actor != Role.OWNER && role == Role.OWNER) {
            throw PageException.forbidden("invite an owner");
          }
          Instant now = clock.instant();
          requireInvitable(organizationId, address, now);
          Integer limit = tier.limits().members();
          if (limit != null && members.seats(organizationId) >= limit) {
            throw new TeamRuleException(
                "The "
                    + tier.code()
                    + " tier allows "
                    + limit
                    + " members, pending invitations included. Revoke an invitation, remove a"
                    + " member, or upgrade to Pro.");
          }
          caps.recordInvite(organizationId, tier, address, now);
          UUID id = Ids.v7(now);
          String token = LinkTokens.generate();
          jdbc.sql(INVITE_INSERT)
              .param("id", id)
              .param("organization_id", organizationId)
              .param("email", address)
              .param("role", role.code())
              .param("token_hash", Sha256.of(token))
              .param("invited_by", invitedBy)
              .param("now", SqlTime.ts(now))
              .param("expires_at", SqlTime.ts(now.plus(TTL)))
              .update();
          return new Issued(get(organizationId, id), token);
        });
  }

  /** Pending invites, expired ones included (they can be resent), newest first. */
  public List<Invite> pending(UUID organizationId) {
    return jdbc.sql(INVITE_PENDING_LIST)
        .param("organization_id", organizationId)
        .query(Invites::map)
        .list();
  }

  public Invite get(UUID organizationId, UUID id) {
    return jdbc.sql(INVITE_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query(Invites::map)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("invite", id));
  }

  /**
   * A new token and a new expiry for a pending (or expired) invite; the previous link stops
   * working. An expired invite takes a seat again, so the member limit is checked again.
   */
  public Issued resend(UUID organizationId, UUID id, UUID by) {
    return tx.execute(
        status -> {
          Tier tier = members.lock(organizationId);
          Invite invite = get(organizationId, id);
          Instant now = clock.instant();
          Invite.State state = invite.state(now);
          if (state != Invite.State.PENDING && state != Invite.State.EXPIRED) {
            throw new TeamRuleException(
                "That invitation was " + state.name().toLowerCase() + "; it cannot be resent.");
          }
          // Sent (or resent) when its expiry was set: not again within a minute, so the button
          // cannot flood someone's inbox.
          Instant sent = invite.expiresAt().minus(TTL);
          if (now.isBefore(sent.plus(RESEND_AFTER))) {
            throw new TeamRuleException(
                "The invitation of "
                    + invite.email()
                    + " was sent less than a minute ago: give it a moment to arrive.");
          }
          if (state == Invite.State.EXPIRED) {
            // Meanwhile the address may have joined, or been invited again.
            requireInvitable(organizationId, invite.email(), now);
          }
          Integer limit = tier.limits().members();
          if (state == Invite.State.EXPIRED
              && limit != null
              && members.seats(organizationId) >= limit) {
            throw new TeamRuleException(
                "The "
                    + tier.code()
                    + " tier allows "
                    + limit
                    + " members, pending invitations"
                    + " included. Remove a member or upgrade to Pro to resend this invitation.");
          }
          caps.recordInvite(organizationId, tier, invite.email(), now);
          String token = LinkTokens.generate();
          jdbc.sql(INVITE_RENEW)
              .param("organization_id", organizationId)
              .param("id", id)
              .param("token_hash", Sha256.of(token))
              .param("expires_at", SqlTime.ts(now.plus(TTL)))
              .param("invited_by", by)
              .update();
          return new Issued(get(organizationId, id), token);
        });
  }

  /** Revokes an invite not yet accepted or declined; its link stops working. */
  public Invite revoke(UUID organizationId, UUID id) {
    Invite invite = get(organizationId, id);
    int revoked =
        jdbc.sql(INVITE_REVOKE)
            .param("organization_id", organizationId)
            .param("id", id)
            .param("now", SqlTime.ts(clock.instant()))
            .update();
    if (revoked == 0) {
      throw new TeamRuleException(
          "The invitation of "
              + invite.email()
              + " was already "
              + get(organizationId, id).state(clock.instant()).name().toLowerCase(Locale.ROOT)
              + "; there is nothing to revoke.");
    }
    return get(organizationId, id);
  }

  /** The invite a link points at, in whatever state it is. */
  public Optional<Invite> byToken(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    return jdbc.sql(INVITE_BY_TOKEN)
        .param("token_hash", Sha256.of(token))
        .query(Invites::map)
        .optional();
  }

  /**
   * Accepts a live invite for {@code user}, who must be signed in as the invited address, and makes
   * them a member with the invited role (a member already keeps their role).
   *
   * @return the organization joined, or empty when the invite is not live or not theirs
   */
  public Optional<UUID> accept(String token, User user) {
    Optional<Invite> invite = byToken(token);
    if (invite.isEmpty() || !invite.get().email().equalsIgnoreCase(user.email())) {
      return Optional.empty();
    }
    return tx.execute(
        status -> {
          members.lock(invite.get().organizationId());
          record Joined(UUID organizationId, Role role) {}
          Optional<Joined> joined =
              jdbc.sql(INVITE_ACCEPT)
                  .param("token_hash", Sha256.of(token))
                  .param("now", SqlTime.ts(clock.instant()))
                  .query(
                      (rs, n) ->
                          new Joined(
                              rs.getObject("organization_id", UUID.class),
                              Role.of(rs.getString("role"))))
                  .optional();
          joined.ifPresent(j -> members.add(j.organizationId(), user.id(), j.role()));
          return joined.map(Joined::organizationId);
        });
  }

  /** Declines a live invite; whoever holds the mailed link may. */
  public boolean decline(String token) {
    if (token == null || token.isBlank()) {
      return false;
    }
    return jdbc.sql(INVITE_DECLINE)
            .param("token_hash", Sha256.of(token))
            .param("now", SqlTime.ts(clock.instant()))
            .update()
        == 1;
  }

  private void requireInvitable(UUID organizationId, String address, Instant now) {
    if (count(MEMBER_BY_EMAIL_COUNT, organizationId, address, now) > 0) {
      throw new TeamRuleException(address + " is already a member.");
    }
    if (count(INVITE_LIVE_FOR_EMAIL, organizationId, address, now) > 0) {
      throw new TeamRuleException(
          address + " already has a pending invitation: resend it from the list below.");
    }
  }

  private long count(String sql, UUID organizationId, String email, Instant now) {
    return jdbc.sql(sql)
        .param("organization_id", organizationId)
        .param("email", email)
        .param("now", SqlTime.ts(now))
        .query(Long.class)
        .single();
  }

  private static Invite map(ResultSet rs, int row) throws SQLException {
    return new Invite(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("organization_name"),
        rs.getString("email"),
        Role.of(rs.getString("role")),
        rs.getObject("invited_by", UUID.class),
        rs.getString("invited_by_email"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "expires_at"),
        SqlTime.instant(rs, "accepted_at"),
        SqlTime.instant(rs, "declined_at"),
        SqlTime.instant(rs, "revoked_at"));
  }
}
