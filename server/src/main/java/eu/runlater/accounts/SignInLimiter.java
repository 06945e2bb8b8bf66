package eu.runlater.accounts;

import static eu.runlater.accounts.SignInFailuresQueries.*;

import eu.runlater.engine.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Limits sign-in attempts and the mail they send, within a sliding {@link #WINDOW}:
 *
 * <ul>
 *   <li>one client: {@value #PER_CLIENT} failed passwords and mail requests together;
 *   <li>passwords: {@value #PASSWORD_PER_EMAIL_AND_CLIENT} failures for one address from one
 *       client, and {@value #PASSWORD_PER_EMAIL} for one address from all clients (guessing spread
 *       over many addresses);
 *   <li>mail (magic links, password resets, sign-ups, confirmations): {@value #MAIL_PER_EMAIL} per
 *       address, so the forms cannot flood an inbox.
 * </ul>
 *
 * <p>Mail requests do not count against passwords: asking for links to someone's address does not
 * lock its owner out of signing in. Counted in the database, so every node enforces the same
 * limits; the table keeps one window's worth.
 */
@Service
public class SignInLimiter {
  public static final Duration WINDOW = Duration.ofMinutes(15);
  public static final int PER_CLIENT = 20;
  public static final int PASSWORD_PER_EMAIL_AND_CLIENT = 5;
  public static final int PASSWORD_PER_EMAIL = 50;
  public static final int MAIL_PER_EMAIL = 5;

  /** What an attempt was. */
  public enum Kind {
    PASSWORD,
    MAIL;

    String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final InstantSource clock;

  SignInLimiter(JdbcClient jdbc, TransactionTemplate tx, InstantSource clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.clock = clock;
  }

  /**
   * Records an attempt of {@code kind} unless the limits are reached, in one step: under a
   * transaction-scoped advisory lock on the address and one on the client, so that parallel
   * requests are counted one after the other (a check and a separate insert would let N parallel
   * requests all pass). Empty when refused (nothing recorded); else the attempt's id, which {@link
   * #forget} takes back when the attempt turns out not to count (a password that was right).
   */
  public OptionalLong attempt(Kind kind, String email, String client) {
    String address = email == null ? "" : email.trim();
    Instant now = clock.instant();
    OptionalLong id =
        tx.execute(
            status -> {
              // Always the address first, then the client: one order, so no two requests wait
              // on each other in a cycle.
              jdbc.sql(SIGN_IN_LOCK)
                  .param("key", "email:" + address.toLowerCase(Locale.ROOT))
                  .query((rs, n) -> 1)
                  .list();
              jdbc.sql(SIGN_IN_LOCK).param("key", "client:" + client).query((rs, n) -> 1).list();
              if (blocked(kind, address, client)) {
                return OptionalLong.empty();
              }
              return OptionalLong.of(
                  jdbc.sql(SIGN_IN_FAILURE_INSERT + " RETURNING id")
                      .param("kind", kind.column())
                      .param("email", address)
                      .param("client", client)
                      .param("now", SqlTime.ts(now))
                      .query(Long.class)
                      .single());
            });
    if (id.isPresent()) {
      jdbc.sql(SIGN_IN_FAILURES_PURGE).param("before", SqlTime.ts(now.minus(WINDOW))).update();
    }
    return id;
  }

  /** Takes back an attempt recorded by {@link #attempt} that does not count. */
  public void forget(long attemptId) {
    jdbc.sql(SIGN_IN_FAILURE_DELETE).param("id", attemptId).update();
  }

  /** Whether the limits are reached; only under {@link #attempt}'s locks, where it is atomic. */
  private boolean blocked(Kind kind, String email, String client) {
    Instant since = clock.instant().minus(WINDOW);
    return jdbc.sql(SIGN_IN_FAILURES_COUNT)
        .param("kind", kind.column())
        .param("email", email == null ? "" : email.trim())
        .param("client", client)
        .param("since", SqlTime.ts(since))
        .query(
            (rs, n) ->
                rs.getLong("by_client") >= PER_CLIENT
                    || switch (kind) {
                      case PASSWORD ->
                          rs.getLong("by_email_and_client") >= PASSWORD_PER_EMAIL_AND_CLIENT
                              || rs.getLong("by_email") >= PASSWORD_PER_EMAIL;
                      case MAIL -> rs.getLong("by_email") >= MAIL_PER_EMAIL;
                    })
        .single();
  }
}
