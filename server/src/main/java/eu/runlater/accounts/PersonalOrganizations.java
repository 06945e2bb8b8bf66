package eu.runlater.accounts;

import java.util.UUID;

/**
 * Gives a new account an organization of its own, in the transaction that creates the account
 * ({@link Users#signUp(String, String, boolean)}). Organizations implement it; accounts knows
 * nothing of them.
 */
public interface PersonalOrganizations {
  /** Creates a free organization owned by {@code userId}, named after {@code email}. */
  void create(UUID userId, String email);
}
