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
  static final String UNUSABLE_PASSWORD = "";

  private final UUID id;
  private final String email;
  private final boolean superadmin;
  private String passwordHash;

  SignedInUser(UUID id, String email, boolean superadmin, String passwordHash) {
    this.id = id;
    this.email = email;
    this.superadmin = superadmin;
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

  @Override
  public void eraseCredentials() {
    passwordHash = null;
  }
}
