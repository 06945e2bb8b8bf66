package eu.runlater.accounts;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Loads the account behind a sign-in (password form or magic link) by email address. */
@Component
class SignInUsers implements UserDetailsService {
  private final Users users;

  SignInUsers(Users users) {
    this.users = users;
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
        hash == null ? SignedInUser.UNUSABLE_PASSWORD : hash);
  }
}
