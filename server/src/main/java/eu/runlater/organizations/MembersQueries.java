package eu.runlater.organizations;

/** SQL for the memberships table (and the seats it shares with invites), named noun-first. */
final class MembersQueries {
  private MembersQueries() {}

  static final String MEMBER_LIST =
      """
      SELECT m.user_id, u.email, m.role, m.created_at
      FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = :organization_id
      ORDER BY m.created_at, u.email
      """;

  static final String MEMBER_GET =
      """
      SELECT m.user_id, u.email, m.role, m.created_at
      FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = :organization_id AND m.user_id = :user_id
      """;

  static final String MEMBER_SET_ROLE =
      """
      UPDATE memberships SET role = :role, updated_at = :now
      WHERE organization_id = :organization_id AND user_id = :user_id
      """;

  static final String MEMBER_DELETE =
      "DELETE FROM memberships WHERE organization_id = :organization_id AND user_id = :user_id";

  static final String MEMBER_OWNERS_COUNT =
      """
      SELECT count(*) FROM memberships WHERE organization_id = :organization_id AND role = 'owner'
      """;

  // Members plus live pending invites: the seats the tier's member limit counts.
  static final String SEATS_COUNT =
      """
      SELECT (SELECT count(*) FROM memberships WHERE organization_id = :organization_id)
           + (SELECT count(*) FROM invites
              WHERE organization_id = :organization_id AND accepted_at IS NULL
                AND declined_at IS NULL AND revoked_at IS NULL AND expires_at > :now)
      """;

  static final String MEMBER_BY_EMAIL_COUNT =
      """
      SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = :organization_id AND lower(u.email) = lower(:email)
      """;

  static final String MEMBERSHIP_INSERT =
      """
      INSERT INTO memberships (id, organization_id, user_id, role, created_at, updated_at)
      VALUES (:id, :organization_id, :user_id, :role, :now, :now)
      ON CONFLICT (organization_id, user_id) DO NOTHING
      """;

  static final String MEMBERSHIPS_OF_USER =
      """
      SELECT m.organization_id, o.name, o.tier, m.role
      FROM memberships m JOIN organizations o ON o.id = m.organization_id
      WHERE m.user_id = :user_id
      ORDER BY o.name, o.id
      """;

  static final String MEMBERSHIP_LAST_USED =
      """
      SELECT organization_id FROM memberships
      WHERE user_id = :user_id AND last_used_at IS NOT NULL
      ORDER BY last_used_at DESC LIMIT 1
      """;

  static final String MEMBERSHIP_MARK_USED =
      """
      UPDATE memberships SET last_used_at = :now
      WHERE organization_id = :organization_id AND user_id = :user_id
      """;
}
