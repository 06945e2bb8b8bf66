package eu.runlater.platform.engine;

/**
 * Claim priorities (0 first): pro before free, then by kind — manual runs, short-interval crons
 * before long ones, one-time work last — as DESIGN.md orders them. Free tier takes the same order
 * five places lower.
 */
public final class Priorities {
  /** A run asked for now (trigger, retry from the history). */
  public static final int MANUAL = 0;

  /** Cron every minute or faster. */
  public static final int CRON_MINUTE = 1;

  /** Cron up to hourly. */
  public static final int CRON_HOUR = 2;

  /** Cron less often. */
  public static final int CRON_LONG = 3;

  /** One-time jobs and messages. */
  public static final int ONE_TIME = 4;

  private static final int FREE_OFFSET = 5;

  private Priorities() {}

  public static int of(boolean pro, int kind) {
    return pro ? kind : kind + FREE_OFFSET;
  }
}
