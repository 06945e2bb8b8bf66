package eu.runlater.organizations;

import static eu.runlater.organizations.SetupQueries.*;

import eu.runlater.accounts.LinkTokens;
import eu.runlater.accounts.Users;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one-time setup link that creates an instance's first owner: the superadmin and owner of the
 * {@code default} organization. Its token carries 256 random bits ({@link LinkTokens}); only its
 * SHA-256 is stored (an instance setting), it works once and until used. While no superadmin exists
 * every start issues a fresh one, which replaces the one before (an operator who lost the link
 * restarts), except within {@link #REISSUE_AFTER} of the last issue, so that of several nodes
 * started together only one prints a link. Once a superadmin exists no link is issued again.
 */
@Service
public class Setup {
  /** A start issues no new link within this long of the last one (nodes started together). */
  public static final Duration REISSUE_AFTER = Duration.ofMinutes(1);

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Organizations organizations;
  private final Members members;
  private final Users users;
  private final InstantSource clock;

  Setup(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Organizations organizations,
      Members members,
      Users users,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.organizations = organizations;
    this.members = members;
    this.users = users;
    this.clock = clock;
  }

  /**
   * A fresh setup token, replacing any earlier one, or empty when a superadmin exists or another
   * node (or start) issued one within {@link #REISSUE_AFTER}.
   */
  public Optional<String> issue() {
    String token = LinkTokens.generate();
    Instant now = clock.instant();
    int issued =
        jdbc.sql(SETUP_TOKEN_ISSUE)
            .param("key", SETUP_TOKEN_KEY)
            .param("token_hash", hash(token))
            .param("now", SqlTime.ts(now))
            .param("reissue_before", SqlTime.ts(now.minus(REISSUE_AFTER)))
            .update();
    return issued == 1 ? Optional.of(token) : Optional.empty();
  }

  /** Whether the instance has its owner already (then no setup link works). */
  public boolean done() {
    return users.superadminExists();
  }

  /** Whether {@code token} is the live setup token, without spending it. */
  public boolean live(String token) {
    if (token == null || token.isBlank()) {
      return false;
    }
    return jdbc.sql(SETUP_TOKEN_LIVE)
            .param("key", SETUP_TOKEN_KEY)
            .param("token_hash", hash(token))
            .query(Long.class)
            .single()
        > 0;
  }

  /** How a setup attempt ended. */
  public enum Outcome {
    CREATED,
    /** Unknown, replaced or already used: nothing changed. */
    INVALID_TOKEN,
    /** The address has an account: nothing changed, the token still works. */
    ADDRESS_TAKEN
  }

  /** The outcome, and the new owner's id when {@link Outcome#CREATED}. */
  public record Result(Outcome outcome, UUID userId) {}

  /**
   * Spends {@code token} and creates the first owner: a confirmed superadmin with {@code password}
   * (the operator chose the address; the instance may have no mail server to prove it), owner of
   * the {@code default} organization. All or nothing: a refusal leaves the token live.
   */
  public Result complete(String token, String email, String password) {
    if (token == null || token.isBlank()) {
      return new Result(Outcome.INVALID_TOKEN, null);
    }
    String hashed = users.hash(password);
    return tx.execute(
        status -> {
          int spent =
              jdbc.sql(SETUP_TOKEN_SPEND)
                  .param("key", SETUP_TOKEN_KEY)
                  .param("token_hash", hash(token))
                  .update();
          if (spent == 0 || done()) {
            status.setRollbackOnly();
            return new Result(Outcome.INVALID_TOKEN, null);
          }
          Optional<UUID> created = users.createSuperadmin(email, hashed);
          if (created.isEmpty()) {
            status.setRollbackOnly();
            return new Result(Outcome.ADDRESS_TAKEN, null);
          }
          UUID id = created.get();
          UUID org =
              organizations
                  .findBySlug(InstanceBootstrap.DEFAULT_SLUG)
                  .orElseGet(
                      () ->
                          organizations.create("Default", InstanceBootstrap.DEFAULT_SLUG, Tier.PRO))
                  .id();
          members.add(org, id, Role.OWNER);
          return new Result(Outcome.CREATED, id);
        });
  }

  private static String hash(String token) {
    return HexFormat.of().formatHex(Sha256.of(token));
  }
}
