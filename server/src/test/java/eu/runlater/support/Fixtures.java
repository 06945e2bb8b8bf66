package eu.runlater.support;

import eu.runlater.apikeys.ApiKeys;
import eu.runlater.organizations.Members;
import eu.runlater.organizations.Organization;
import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.Role;
import eu.runlater.organizations.Tier;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Builds organizations and keys with sensible defaults. */
@Component
public class Fixtures {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** Every fixture user's password; hashed once, since Argon2id is slow on purpose. */
  public static final String PASSWORD = "correct horse battery";

  private final Organizations organizations;
  private final ApiKeys keys;
  private final Members members;
  private final JdbcClient jdbc;
  private final String passwordHash;

  Fixtures(
      Organizations organizations,
      ApiKeys keys,
      Members members,
      JdbcClient jdbc,
      PasswordEncoder passwords) {
    this.organizations = organizations;
    this.keys = keys;
    this.members = members;
    this.jdbc = jdbc;
    this.passwordHash = passwords.encode(PASSWORD);
  }

  /** A confirmed dashboard user, signed in with {@link #PASSWORD}. */
  public record TestUser(UUID id, String email) {}

  /** A new confirmed user who is a {@code role} of {@code organizationId}. */
  public TestUser user(UUID organizationId, Role role) {
    TestUser user = user();
    members.add(organizationId, user.id(), role);
    return user;
  }

  /** A new confirmed user in no organization. */
  public TestUser user() {
    int n = SEQUENCE.incrementAndGet();
    UUID id = UUID.randomUUID();
    String email = "user" + n + "-" + id.toString().substring(0, 8) + "@example.com";
    jdbc.sql(
            """
            INSERT INTO users (id, email, hashed_password, confirmed_at, created_at, updated_at)
            VALUES (:id, :email, :hash, now(), now(), now())
            """)
        .param("id", id)
        .param("email", email)
        .param("hash", passwordHash)
        .update();
    return new TestUser(id, email);
  }

  /** An organization with one API key. */
  public record Tenant(Organization organization, UUID keyId, String key) {
    public UUID id() {
      return organization.id();
    }
  }

  public Tenant tenant() {
    return tenant(Tier.PRO);
  }

  public Tenant tenant(Tier tier) {
    int n = SEQUENCE.incrementAndGet();
    Organization org = organizations.create("Org " + n, "org-" + n + "-" + UUID.randomUUID(), tier);
    ApiKeys.CreatedApiKey key = keys.create(org.id(), "test key", null);
    return new Tenant(org, key.key().id(), key.token());
  }
}
