package eu.runlater.accounts;

import static eu.runlater.accounts.UsersQueries.*;

import eu.runlater.engine.db.SqlTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

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
  private final InstantSource clock;

  SignInLimiter(JdbcClient jdbc, InstantSource clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public boolean blocked(Kind kind, String email, String client) {
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

  /** Counts a failed password, or a request that sends mail. */
  public void record(Kind kind, String email, String client) {
    Instant now = clock.instant();
    jdbc.sql(SIGN_IN_FAILURE_INSERT)
        .param("kind", kind.column())
        .param("email", email == null ? "" : email.trim())
        .param("client", client)
        .param("now", SqlTime.ts(now))
        .update();
    // Keeps the table to one window's worth without a separate sweeper.
    jdbc.sql(SIGN_IN_FAILURES_PURGE).param("before", SqlTime.ts(now.minus(WINDOW))).update();
  }
}
