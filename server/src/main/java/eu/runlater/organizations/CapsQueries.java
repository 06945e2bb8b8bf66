package eu.runlater.organizations;

/**
 * SQL for the caps: what an organization holds (organization_usage, kept by triggers), the
 * organizations a user owns, and invitation mails sent (invite_sends).
 */
final class CapsQueries {
  private CapsQueries() {}

  static final String USAGE =
      """
      SELECT o.tier, coalesce(sum(u.waiting_messages), 0) AS waiting,
             coalesce(sum(u.stored_bytes), 0) AS bytes
      FROM organizations o LEFT JOIN organization_usage u ON u.organization_id = o.id
      WHERE o.id = :id
      GROUP BY o.tier
      """;

  // Taken before counting, so two creations by one user at once are counted one after the other.
  static final String USER_LOCK = "SELECT id FROM users WHERE id = :id FOR NO KEY UPDATE";

  static final String ORGANIZATIONS_OWNED =
      """
      SELECT count(*) AS owned, coalesce(bool_or(o.tier = 'pro'), false) AS pro
      FROM memberships m JOIN organizations o ON o.id = m.organization_id
      WHERE m.user_id = :id AND m.role = 'owner'
      """;

  static final String INVITE_SENDS_BY_ORGANIZATION_COUNT =
      "SELECT count(*) FROM invite_sends WHERE organization_id = :org AND sent_at > :since";

  static final String INVITE_SENDS_TO_EMAIL_COUNT =
      "SELECT count(*) FROM invite_sends WHERE email = :email AND sent_at > :since";

  static final String INVITE_SENDS_PURGE =
      "DELETE FROM invite_sends WHERE organization_id = :org AND sent_at < :before";

  static final String INVITE_SEND_INSERT =
      "INSERT INTO invite_sends (organization_id, email, sent_at) VALUES (:org, :email, :now)";
}
