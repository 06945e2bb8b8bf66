package eu.runlater.organizations;

/** What a role may do in its organization; {@link Role} holds the matrix. */
public enum Permission {
  /** See jobs, queues, executions and settings pages that hold no secret. */
  VIEW,
  /** Create, edit, run, pause and delete jobs and queues; retry and redrive. */
  OPERATE,
  /** Create and revoke API keys; reveal and rotate the signing secret. */
  MANAGE_KEYS,
  /** Invite, remove and change the role of members. */
  MANAGE_TEAM,
  /** See the billing tab: tier, limits and usage (only the superadmin changes a tier). */
  MANAGE_BILLING,
  /** Rename the organization. */
  MANAGE_ORGANIZATION,
  /** Delete the organization and everything in it. */
  DELETE_ORGANIZATION
}
