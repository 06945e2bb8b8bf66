package eu.runlater.accounts;

import java.time.Instant;
import java.util.UUID;

/** A person who signs in to the dashboard. */
public record User(
    UUID id, String email, boolean hasPassword, Instant confirmedAt, boolean superadmin) {
  public boolean confirmed() {
    return confirmedAt != null;
  }
}
