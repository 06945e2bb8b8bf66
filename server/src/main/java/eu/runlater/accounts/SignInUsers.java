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
   * nothing.
   */
  private final String unusableHash;

  SignInUsers(Users users, PasswordEncoder passwords) {
    this.users = users;
    this.unusableHash = passwords.encode(UUID.randomUUID().toString());
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
        hash == null ? unusableHash : hash);
  }
}
