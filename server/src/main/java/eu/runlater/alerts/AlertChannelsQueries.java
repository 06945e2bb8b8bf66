package eu.runlater.alerts;

/** SQL of {@code alert_channels}, and what deleting a channel must know of the rules. */
final class AlertChannelsQueries {
  private AlertChannelsQueries() {}

  static final String CHANNEL_COLUMNS =
      """
      id, organization_id, name, kind, settings::text AS settings, sealed_settings, opt_in,
      enabled, created_at, updated_at
      """;

  static final String CHANNEL_LIST =
      "SELECT "
          + CHANNEL_COLUMNS
          + " FROM alert_channels WHERE organization_id = :organization_id ORDER BY name, id";

  static final String CHANNEL_GET =
      "SELECT "
          + CHANNEL_COLUMNS
          + " FROM alert_channels WHERE organization_id = :organization_id AND id = :id";

  static final String CHANNEL_LOCK = CHANNEL_GET + " FOR UPDATE";

  /** For the sender, which is given the channel's id only (in the engine's or a Spring tx). */
  static final String CHANNEL_BY_ID =
      "SELECT " + CHANNEL_COLUMNS + " FROM alert_channels WHERE id = :id";

  static final String CHANNEL_INSERT =
      """
      INSERT INTO alert_channels (id, organization_id, name, kind, settings, sealed_settings,
                                  opt_in, enabled, created_at, updated_at)
      VALUES (:id, :organization_id, :name, :kind, :settings::jsonb, :sealed_settings, :opt_in,
              :enabled, :now, :now)
      """;

  static final String CHANNEL_UPDATE =
      """
      UPDATE alert_channels
      SET name = :name, settings = :settings::jsonb, sealed_settings = :sealed_settings,
          opt_in = :opt_in, enabled = :enabled, updated_at = :now
      WHERE organization_id = :organization_id AND id = :id
      """;

  static final String CHANNEL_DELETE =
      "DELETE FROM alert_channels WHERE organization_id = :organization_id AND id = :id";

  /** The rules that name a channel. */
  static final String RULES_NAMING_CHANNEL =
      """
      SELECT subject_kind, subject_id FROM alert_rules
      WHERE organization_id = :organization_id AND :id = ANY (channel_ids)
      ORDER BY subject_kind = 'organization' DESC, subject_kind, subject_id
      """;

  /**
   * Takes a channel out of every rule. A rule that named only it keeps an empty list (alert no
   * channel), not null: null would inherit, and send its alerts to every channel instead.
   */
  static final String RULES_DETACH_CHANNEL =
      """
      UPDATE alert_rules
      SET channel_ids = array_remove(channel_ids, :id), updated_at = :now
      WHERE organization_id = :organization_id AND :id = ANY (channel_ids)
      """;

  /** The members an email channel mails by role. */
  static final String MEMBER_EMAILS_BY_ROLE =
      """
      SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.organization_id = :organization_id AND m.role = ANY (:roles)
      ORDER BY m.created_at, u.email
      """;

  static final String ORGANIZATION_NAME = "SELECT name FROM organizations WHERE id = :id";

  // The channels a rule names (opt-in ones included), or every enabled one that is not opt-in
  // when it names none: what a notice goes to, as the outbox picks them for an incident.
  static final String CHANNELS_OF_RULE =
      """
      SELECT id, kind FROM alert_channels
      WHERE organization_id = :organization_id AND enabled
        AND CASE WHEN CAST(:ids AS text) IS NULL THEN NOT opt_in
                 ELSE id = ANY(CAST(CAST(:ids AS text) AS uuid[])) END
      ORDER BY created_at, id
      """;
}
