package eu.runlater.organizations;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Per-organization caps by tier ({@code runlater.caps.free.*}, {@code runlater.caps.pro.*}; the
 * README's Limits table lists the environment variables).
 */
@ConfigurationProperties("runlater.caps")
public record CapsProperties(TierCaps free, TierCaps pro) {
  public CapsProperties {
    free = free == null ? TierCaps.FREE : free;
    pro = pro == null ? TierCaps.PRO : pro;
  }

  /**
   * @param waitingMessages messages accepted and not yet delivered, failed or cancelled (states
   *     {@code waiting} and {@code queued})
   * @param storedBytes URL, headers and body of those messages and of every job
   * @param organizationsPerUser organizations one user may own (the best tier among the
   *     organizations they own sets it)
   * @param invitesPerDay invitation mails (new or resent) per organization in 24 hours
   * @param invitesPerRecipientPerDay invitation mails to one address in 24 hours, from any
   *     organization on this instance (counted against the sending organization's tier)
   * @param monitors heartbeat and uptime monitors
   * @param minCheckInterval the shortest interval between an uptime monitor's checks
   * @param statusPages status pages
   */
  public record TierCaps(
      Long waitingMessages,
      DataSize storedBytes,
      Integer organizationsPerUser,
      Integer invitesPerDay,
      Integer invitesPerRecipientPerDay,
      Integer monitors,
      java.time.Duration minCheckInterval,
      Integer statusPages) {
    static final TierCaps FREE =
        new TierCaps(
            10_000L, DataSize.ofMegabytes(100), 3, 20, 3, 20, java.time.Duration.ofMinutes(5), 1);
    static final TierCaps PRO =
        new TierCaps(
            1_000_000L,
            DataSize.ofGigabytes(10),
            20,
            200,
            5,
            1_000,
            java.time.Duration.ofSeconds(30),
            20);

    /** The caps of messages, bytes and invites, with the free tier's monitors and pages. */
    public TierCaps(
        Long waitingMessages,
        DataSize storedBytes,
        Integer organizationsPerUser,
        Integer invitesPerDay,
        Integer invitesPerRecipientPerDay) {
      this(
          waitingMessages,
          storedBytes,
          organizationsPerUser,
          invitesPerDay,
          invitesPerRecipientPerDay,
          20,
          java.time.Duration.ofMinutes(5),
          1);
    }

    /** Bound from configuration (the record has a shorter constructor too). */
    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public TierCaps {
      check("waiting-messages", waitingMessages);
      check("stored-bytes", storedBytes == null ? null : storedBytes.toBytes());
      check("organizations-per-user", organizationsPerUser);
      check("invites-per-day", invitesPerDay);
      check("invites-per-recipient-per-day", invitesPerRecipientPerDay);
      check("monitors", monitors);
      check("min-check-interval", minCheckInterval == null ? null : minCheckInterval.toSeconds());
      check("status-pages", statusPages);
    }

    private static void check(String name, Number value) {
      if (value == null || value.longValue() < 1) {
        throw new IllegalArgumentException(
            "runlater.caps.<tier>."
                + name
                + " (RUNLATER_CAP_<TIER>_…) must be set to at least 1; got "
                + value);
      }
    }
  }
}
