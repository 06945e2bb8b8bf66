package eu.runlater.accounts;

import java.util.UUID;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Loads the account behind a sign-in (password form or magic link) by email address. */
@Component
class SignInUsers implements UserDetailsService {
  private final Users users;

  /**
   * Stands in for the hash of an account without a password (magic link only): a real Argon2 hash
   * of a random value, so comparing against it takes as long as against any other and matches
   * nothing. Made at its first use, not at start-up: an Argon2 hash on a cold JVM took about a
   * tenth of the start's main thread.
   */
  private final PasswordEncoder passwords;

  private volatile String unusableHash;

  SignInUsers(Users users, PasswordEncoder passwords) {
    this.users = users;
    this.passwords = passwords;
  }

  private String unusableHash() {
    String hash = unusableHash;
    if (hash == null) {
      synchronized (this) {
        hash = unusableHash;
        if (hash == null) {
          hash = passwords.encode(UUID.randomUUID().toString());
          unusableHash = hash;
        }
      }
    }
    return hash;
  }

  @Override
  public UserDetails loadUserByUsername(String email) {
    User user =
        users
            .findByEmail(email)
            .orElseThrow(() -> new UsernameNotFoundException("No account for this address"));
    String hash = users.passwordHash(user.id()).orElse(null);
    return new SignedInUser(
        user.id(),
        user.email(),
        user.superadmin(),
        user.confirmedAt() != null,
        hash == null ? unusableHash() : hash);
  }
}
