package eu.runlater.accounts;

import java.io.Serial;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The principal of a dashboard session. It is stored in the session (in the database), so it holds
 * ids, not rows: roles are read per request, and a removed membership takes effect at once.
 */
public final class SignedInUser implements UserDetails, CredentialsContainer, Serializable {
  @Serial private static final long serialVersionUID = 1L;
  private final UUID id;
  private final String email;
  private final boolean superadmin;
  private final boolean confirmed;
  private String passwordHash;

  SignedInUser(UUID id, String email, boolean superadmin, boolean confirmed, String passwordHash) {
    this.id = id;
    this.email = email;
    this.superadmin = superadmin;
    this.confirmed = confirmed;
    this.passwordHash = passwordHash;
  }

  public UUID id() {
    return id;
  }

  public String email() {
    return email;
  }

  public boolean superadmin() {
    return superadmin;
  }

  @Override
  public Collection<? extends GrantedAuthority> getAuthorities() {
    return superadmin
        ? List.of(
            new SimpleGrantedAuthority("ROLE_USER"), new SimpleGrantedAuthority("ROLE_SUPERADMIN"))
        : List.of(new SimpleGrantedAuthority("ROLE_USER"));
  }

  @Override
  public String getPassword() {
    return passwordHash;
  }

  @Override
  public String getUsername() {
    return email;
  }

  /**
   * A password signs in only once the address is confirmed: else whoever signed up first with
   * someone else's address would hold a password to the account its owner later confirms. Checked
   * after the password matched ({@code CredentialsExpiredException}), so the answer tells nothing
   * to someone who does not know the password. A magic link signs in either way, and confirms.
   */
  @Override
  public boolean isCredentialsNonExpired() {
    return confirmed;
  }

  @Override
  public void eraseCredentials() {
    passwordHash = null;
  }
}
