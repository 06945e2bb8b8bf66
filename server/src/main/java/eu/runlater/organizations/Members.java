package eu.runlater.organizations;

import static eu.runlater.organizations.MembersQueries.*;
import static eu.runlater.organizations.OrganizationsQueries.ORGANIZATION_LOCK;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.web.PageException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The members of an organization, the organizations of a user, and the rules for changing them:
 * admins may not remove or demote an owner, nor make anyone an owner; an organization always keeps
 * at least one owner. Each change locks the organization's row, so concurrent changes cannot leave
 * it without an owner.
 */
@Service
public class Members {
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final InstantSource clock;

  Members(JdbcClient jdbc, TransactionTemplate tx, InstantSource clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  public List<Member> list(UUID organizationId) {
    return jdbc.sql(MEMBER_LIST)
        .param("organization_id", organizationId)
        .query(Members::map)
        .list();
  }

  /** A member of the organization; another organization's member is not found. */
  public Member get(UUID organizationId, UUID userId) {
    return jdbc.sql(MEMBER_GET)
        .param("organization_id", organizationId)
        .param("user_id", userId)
        .query(Members::map)
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("member", userId));
  }

  /** Makes {@code userId} a {@code role} of the organization; a member already keeps their role. */
  public void add(UUID organizationId, UUID userId, Role role) {
    Instant now = clock.instant();
    jdbc.sql(MEMBERSHIP_INSERT)
        .param("id", Ids.v7(now))
        .param("organization_id", organizationId)
        .param("user_id", userId)
        .param("role", role.code())
        .param("now", SqlTime.ts(now))
        .update();
  }

  /** The organizations {@code userId} belongs to, by name. */
  public List<Membership> memberships(UUID userId) {
    return jdbc.sql(MEMBERSHIPS_OF_USER)
        .param("user_id", userId)
        .query(
            (rs, n) ->
                new Membership(
                    rs.getObject("organization_id", UUID.class),
                    rs.getString("name"),
                    Tier.of(rs.getString("tier")),
                    Role.of(rs.getString("role"))))
        .list();
  }

  /**
   * The organization {@code userId} last used (chose in the switcher, joined or created), if they
   * still belong to it; else none. A new session opens there.
   */
  public Optional<UUID> lastUsed(UUID userId) {
    return jdbc.sql(MEMBERSHIP_LAST_USED).param("user_id", userId).query(UUID.class).optional();
  }

  /** Remembers that {@code userId} now uses {@code organizationId}, for their next session. */
  public void markUsed(UUID organizationId, UUID userId) {
    jdbc.sql(MEMBERSHIP_MARK_USED)
        .param("organization_id", organizationId)
        .param("user_id", userId)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
  }

  /** Members plus live pending invites, as the tier's member limit counts them. */
  public long seats(UUID organizationId) {
    return jdbc.sql(SEATS_COUNT)
        .param("organization_id", organizationId)
        .param("now", SqlTime.ts(clock.instant()))
        .query(Long.class)
        .single();
  }

  /**
   * Gives a member another role, as {@code actorId}. The actor's own role is read under the
   * organization's lock, so a demotion committed meanwhile is seen.
   */
  public void changeRole(UUID organizationId, UUID actorId, UUID userId, Role role) {
    tx.executeWithoutResult(
        status -> {
          lock(organizationId);
          Role actor = actorRole(organizationId, actorId, "change roles");
          Member member = get(organizationId, userId);
          if (actor != Role.OWNER && member.role() == Role.OWNER) {
            throw PageException.forbidden("change an owner's role");
          }
          if (actor != Role.OWNER && role == Role.OWNER) {
            throw PageException.forbidden("make someone an owner");
          }
          if (member.role() == Role.OWNER && role != Role.OWNER) {
            requireAnotherOwner(organizationId, "demote");
          }
          jdbc.sql(MEMBER_SET_ROLE)
              .param("organization_id", organizationId)
              .param("user_id", userId)
              .param("role", role.code())
              .param("now", SqlTime.ts(clock.instant()))
              .update();
        });
  }

  /** Removes a member, as {@code actorId} (read as in {@link #changeRole}); oneself is leaving. */
  public Member remove(UUID organizationId, UUID actorId, UUID userId) {
    return tx.execute(
        status -> {
          lock(organizationId);
          Role actor =
              actorId.equals(userId)
                  ? get(organizationId, actorId).role()
                  : actorRole(organizationId, actorId, "remove members");
          Member member = get(organizationId, userId);
          if (actor != Role.OWNER && member.role() == Role.OWNER) {
            throw PageException.forbidden("remove an owner");
          }
          if (member.role() == Role.OWNER) {
            requireAnotherOwner(organizationId, "remove");
          }
          jdbc.sql(MEMBER_DELETE)
              .param("organization_id", organizationId)
              .param("user_id", userId)
              .update();
          return member;
        });
  }

  /** Leaves the organization; the last owner cannot (they may delete it instead). */
  public void leave(UUID organizationId, UUID userId) {
    remove(organizationId, userId, userId);
  }

  private Role actorRole(UUID organizationId, UUID actorId, String what) {
    Role role = get(organizationId, actorId).role();
    if (!role.may(Permission.MANAGE_TEAM)) {
      throw PageException.forbidden(what);
    }
    return role;
  }

  Tier lock(UUID organizationId) {
    return jdbc.sql(ORGANIZATION_LOCK)
        .param("id", organizationId)
        .query((rs, n) -> Tier.of(rs.getString("tier")))
        .optional()
        .orElseThrow(() -> ApiProblem.notFound("organization", organizationId));
  }

  private void requireAnotherOwner(UUID organizationId, String verb) {
    long owners =
        jdbc.sql(MEMBER_OWNERS_COUNT)
            .param("organization_id", organizationId)
            .query(Long.class)
            .single();
    if (owners <= 1) {
      throw new TeamRuleException(
          "An organization keeps at least one owner: make someone else an owner before you "
              + verb
              + " the last one, or delete the organization.");
    }
  }

  private static Member map(ResultSet rs, int row) throws SQLException {
    return new Member(
        rs.getObject("user_id", UUID.class),
        rs.getString("email"),
        Role.of(rs.getString("role")),
        SqlTime.instant(rs, "created_at"));
  }
}
