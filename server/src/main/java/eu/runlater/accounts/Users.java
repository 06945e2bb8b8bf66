package eu.runlater.accounts;

import static eu.runlater.accounts.MagicLinksQueries.MAGIC_LINKS_DELETE;
import static eu.runlater.accounts.UserTokensQueries.USER_TOKENS_DELETE;
import static eu.runlater.accounts.UsersQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Users: the people who sign in to the dashboard. A sign-up never makes a superadmin (the first
 * owner comes from the setup link, {@code eu.runlater.organizations.Setup}); it gets an
 * organization of its own ({@link PersonalOrganizations}) unless it came from an invitation.
 */
@Service
public class Users {
  public static final int MIN_PASSWORD = 10;
  public static final int MAX_PASSWORD = 128;
  // Deliberately loose: one @, something on each side, a dot in the domain. The mail proves it.
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final PersonalOrganizations personalOrganizations;
  private final PasswordEncoder passwords;
  private final InstantSource clock;

  Users(
      JdbcClient jdbc,
      TransactionTemplate tx,
      PersonalOrganizations personalOrganizations,
      PasswordEncoder passwords,
      InstantSource clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.personalOrganizations = personalOrganizations;
    this.passwords = passwords;
    this.clock = clock;
  }

  /** What a form should say about an address, or null when it is acceptable. */
  public static String emailProblem(String email) {
    if (email == null || email.isBlank()) {
      return "Enter your email address.";
    }
    if (email.length() > 254 || !EMAIL.matcher(email.trim()).matches()) {
      return "Enter an email address like name@example.com.";
    }
    return null;
  }

  /** What a form should say about a new password, or null when it is acceptable. */
  public static String passwordProblem(String password) {
    if (password.length() < MIN_PASSWORD) {
      return "Use at least " + MIN_PASSWORD + " characters.";
    }
    if (password.length() > MAX_PASSWORD) {
      return "Use at most " + MAX_PASSWORD + " characters.";
    }
    return null;
  }

  public static String normalize(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /** The result of a sign-up: the account, and whether this call created it. */
  public record SignUp(User user, boolean created) {}

  /**
   * Creates an account for {@code email} with an optional password (null: sign in by emailed link
   * only). When the address already has an account nothing changes and {@code created} is false, so
   * the caller can answer the same either way.
   */
  public SignUp signUp(String email, String password) {
    return signUp(email, password, true);
  }

  /**
   * As {@link #signUp(String, String)}; without {@code personalOrganization} the new account
   * belongs to no organization until it accepts an invitation (see {@link SignupPolicy}).
   */
  public SignUp signUp(String email, String password, boolean personalOrganization) {
    String normalized = normalize(email);
    SignUp result = insert(normalized, password, personalOrganization);
    if (!result.created() && !result.user().confirmed()) {
      // Someone signs up again with an address whose owner never confirmed it. Whoever set the
      // earlier password may not own the address, so it goes (the link in the mail signs in; a
      // password can be set again with a reset); the new one is not kept for the same reason.
      jdbc.sql(USER_CLEAR_UNCONFIRMED_PASSWORD)
          .param("id", result.user().id())
          .param("now", SqlTime.ts(clock.instant()))
          .update();
    }
    return result;
  }

  private SignUp insert(String normalized, String password, boolean personalOrganization) {
    return tx.execute(
        status -> {
          Instant now = clock.instant();
          UUID id = Ids.v7(now);
          int inserted =
              jdbc.sql(USER_INSERT)
                  .param("id", id)
                  .param("email", normalized)
                  .param("hashed_password", password == null ? null : passwords.encode(password))
                  .param("superadmin", false)
                  .param("now", SqlTime.ts(now))
                  .update();
          if (inserted == 0) {
            status.setRollbackOnly();
            return new SignUp(findByEmail(normalized).orElseThrow(), false);
          }
          if (personalOrganization) {
            personalOrganizations.create(id, normalized);
          }
          return new SignUp(get(id), true);
        });
  }

  public Optional<User> findByEmail(String email) {
    return jdbc.sql(USER_BY_EMAIL).param("email", email.trim()).query(Users::map).optional();
  }

  /** The stored Argon2id hash, for the sign-in check only. */
  Optional<String> passwordHash(UUID userId) {
    return jdbc.sql(USER_PASSWORD_HASH).param("id", userId).query(String.class).optional();
  }

  public User get(UUID id) {
    return jdbc.sql(USER_GET).param("id", id).query(Users::map).single();
  }

  /** Emails of users by id, for "created by" and "invited by" columns. */
  public Map<UUID, String> emails(Collection<UUID> ids) {
    Map<UUID, String> result = new HashMap<>();
    if (ids.isEmpty()) {
      return result;
    }
    jdbc.sql(USER_EMAILS)
        .param("ids", ids)
        .query(
            rs -> {
              result.put(rs.getObject("id", UUID.class), rs.getString("email"));
            });
    return result;
  }

  /** Whether the instance has a superadmin (its owner). */
  public boolean superadminExists() {
    return jdbc.sql(SUPERADMIN_EXISTS).query(Boolean.class).single();
  }

  /**
   * Creates a confirmed superadmin with a password hashed by {@link #hash}: the operator chose the
   * address, and there may be no mail server to prove it. Empty when the address has an account.
   */
  public Optional<UUID> createSuperadmin(String email, String hashedPassword) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    int inserted =
        jdbc.sql(USER_INSERT_SUPERADMIN)
            .param("id", id)
            .param("email", normalize(email))
            .param("hashed_password", hashedPassword)
            .param("now", SqlTime.ts(now))
            .update();
    return inserted == 1 ? Optional.of(id) : Optional.empty();
  }

  /**
   * Hashes a new password. Call it before changing anything: when every hashing slot is busy it is
   * refused ({@link PasswordHashingBusyException}), and the request must then have changed nothing.
   */
  public String hash(String password) {
    return passwords.encode(password);
  }

  /** Sets a password hashed by {@link #hash} and signs the user out of every session. */
  public void setPasswordHash(UUID userId, String hashedPassword) {
    User user = get(userId);
    tx.executeWithoutResult(
        status -> {
          jdbc.sql(USER_SET_PASSWORD)
              .param("id", userId)
              .param("hashed_password", hashedPassword)
              .param("now", SqlTime.ts(clock.instant()))
              .update();
          jdbc.sql(USER_SESSIONS_DELETE).param("email", user.email()).update();
          // Other reset and sign-in links mailed before stop working too.
          jdbc.sql(USER_TOKENS_DELETE).param("user_id", userId).update();
          jdbc.sql(MAGIC_LINKS_DELETE).param("email", user.email()).update();
        });
  }

  /**
   * Confirms the address through a mail that is not the sign-up's own welcome link (a sign-in link,
   * a reset): see {@link #confirm(UUID, String, boolean, String)}.
   */
  public void confirm(UUID userId) {
    confirm(userId, null, false, null);
  }

  /**
   * Marks the address confirmed, once. Whoever set a password before then may not own the address
   * (anyone can sign up with anyone's address), so unless the address is confirmed through the very
   * welcome link of the sign-up that chose the password ({@code linkToken}), or through a link
   * asked for in the same browser session that proved the password ({@code passwordProven}), the
   * password goes and every other session of the account ends ({@code keepSession} stays). Nothing
   * changes for an address already confirmed.
   */
  void confirm(UUID userId, String linkToken, boolean passwordProven, String keepSession) {
    tx.executeWithoutResult(
        status ->
            jdbc.sql(USER_CONFIRM_FIRST)
                .param("id", userId)
                .param("link_hash", linkToken == null ? new byte[0] : Sha256.of(linkToken))
                .param("password_proven", passwordProven)
                .param("now", SqlTime.ts(clock.instant()))
                .query((rs, n) -> new Object[] {rs.getString("email"), rs.getBoolean("kept")})
                .optional()
                .filter(row -> !(Boolean) row[1])
                .ifPresent(
                    row ->
                        jdbc.sql(USER_OTHER_SESSIONS_DELETE)
                            .param("email", row[0])
                            .param("keep", keepSession == null ? "" : keepSession)
                            .update()));
  }

  /**
   * Remembers {@code token} (its SHA-256) as the welcome link of the sign-up of {@code userId}:
   * opening it confirms the address and keeps the password chosen on that sign-up.
   */
  void rememberWelcomeLink(UUID userId, String token) {
    jdbc.sql(USER_WELCOME_LINK_SET)
        .param("id", userId)
        .param("token_hash", Sha256.of(token))
        .update();
  }

  private static User map(ResultSet rs, int row) throws SQLException {
    return new User(
        rs.getObject("id", UUID.class),
        rs.getString("email"),
        rs.getString("hashed_password") != null,
        SqlTime.instant(rs, "confirmed_at"),
        rs.getBoolean("superadmin"));
  }
}
