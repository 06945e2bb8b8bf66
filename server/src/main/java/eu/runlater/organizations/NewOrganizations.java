package eu.runlater.organizations;

import eu.runlater.accounts.PersonalOrganizations;
import java.security.SecureRandom;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Organizations a user creates, and the one a sign-up gets of its own: free tier, owned by their
 * creator.
 */
@Service
class NewOrganizations implements PersonalOrganizations {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Organizations organizations;
  private final Members members;
  private final TransactionTemplate tx;

  NewOrganizations(Organizations organizations, Members members, TransactionTemplate tx) {
    this.organizations = organizations;
    this.members = members;
    this.tx = tx;
  }

  /** A new free-tier organization, owned by {@code ownerId}. */
  Organization create(String name, UUID ownerId) {
    String clean = name.strip();
    return tx.execute(
        status -> {
          Organization org = organizations.create(clean, Organizations.slugFor(clean), Tier.FREE);
          members.add(org.id(), ownerId, Role.OWNER);
          return org;
        });
  }

  /** Called in the sign-up's transaction, with the new account's normalized address. */
  @Override
  public void create(UUID userId, String email) {
    String local = email.substring(0, email.indexOf('@'));
    String slug =
        local.replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "")
            + "-"
            + Integer.toString(RANDOM.nextInt(1 << 30), 36);
    // The name goes into mail subjects: an address like "www.evil.example@…" must not put a web
    // address (or a control character) there.
    String name = local + "'s organization";
    if (Organizations.nameProblem(name) != null) {
      name = "My organization";
    }
    members.add(organizations.create(name, slug, Tier.FREE).id(), userId, Role.OWNER);
  }
}
