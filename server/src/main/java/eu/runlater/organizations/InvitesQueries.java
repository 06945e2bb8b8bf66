package eu.runlater.organizations;

/** SQL for the invites table, named noun-first. */
final class InvitesQueries {
  private InvitesQueries() {}

  static final String INVITE_COLUMNS =
      """
      i.id, i.organization_id, o.name AS organization_name, i.email, i.role,
      i.invited_by, u.email AS invited_by_email, i.created_at, i.expires_at,
      i.accepted_at, i.declined_at, i.revoked_at
      """;

  static final String INVITE_FROM =
      """
      FROM invites i JOIN organizations o ON o.id = i.organization_id
      LEFT JOIN users u ON u.id = i.invited_by
      """;

  static final String INVITE_INSERT =
      """
      INSERT INTO invites (id, organization_id, email, role, token_hash, invited_by, created_at,
                           expires_at)
      VALUES (:id, :organization_id, :email, :role, :token_hash, :invited_by, :now, :expires_at)
      """;

  static final String INVITE_PENDING_LIST =
      "SELECT "
          + INVITE_COLUMNS
          + INVITE_FROM
          + """
          WHERE i.organization_id = :organization_id AND i.accepted_at IS NULL
            AND i.declined_at IS NULL AND i.revoked_at IS NULL
          ORDER BY i.created_at DESC, i.id DESC
          """;

  static final String INVITE_GET =
      "SELECT "
          + INVITE_COLUMNS
          + INVITE_FROM
          + "WHERE i.organization_id = :organization_id AND i.id = :id";

  static final String INVITE_BY_TOKEN =
      "SELECT " + INVITE_COLUMNS + INVITE_FROM + "WHERE i.token_hash = :token_hash";

  static final String INVITE_LIVE_FOR_EMAIL =
      """
      SELECT count(*) FROM invites
      WHERE organization_id = :organization_id AND lower(email) = lower(:email)
        AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL
        AND expires_at > :now
      """;

  // A resend replaces the token, so the previous link stops working.
  static final String INVITE_RENEW =
      """
      UPDATE invites SET token_hash = :token_hash, expires_at = :expires_at, invited_by = :invited_by
      WHERE organization_id = :organization_id AND id = :id AND accepted_at IS NULL
        AND declined_at IS NULL AND revoked_at IS NULL
      """;

  static final String INVITE_REVOKE =
      """
      UPDATE invites SET revoked_at = :now
      WHERE organization_id = :organization_id AND id = :id AND accepted_at IS NULL
        AND declined_at IS NULL AND revoked_at IS NULL
      """;

  // Spends the invite in the statement that checks it, so it is accepted or declined once.
  static final String INVITE_ACCEPT =
      """
      UPDATE invites SET accepted_at = :now
      WHERE token_hash = :token_hash AND accepted_at IS NULL AND declined_at IS NULL
        AND revoked_at IS NULL AND expires_at > :now
      RETURNING organization_id, role, email
      """;

  static final String INVITE_DECLINE =
      """
      UPDATE invites SET declined_at = :now
      WHERE token_hash = :token_hash AND accepted_at IS NULL AND declined_at IS NULL
        AND revoked_at IS NULL AND expires_at > :now
      """;
}
