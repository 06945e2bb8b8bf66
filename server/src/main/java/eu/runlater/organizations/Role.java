package eu.runlater.organizations;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A member's role in one organization, and what it may do. The matrix (also in the README):
 *
 * <pre>
 *                           owner  admin  member
 * view jobs, queues, runs     ✓      ✓      ✓
 * create, edit, run jobs      ✓      ✓      ✓
 * manage API keys, secret     ✓      ✓
 * manage the team, invites    ✓      ✓
 * change the tier (billing)   ✓      ✓
 * rename the organization     ✓      ✓
 * delete the organization     ✓
 * </pre>
 *
 * Admins may not remove or demote an owner, nor make anyone an owner (nor invite one). Anyone may
 * leave, but an organization always keeps at least one owner ({@link Members}).
 */
public enum Role {
  OWNER(EnumSet.allOf(Permission.class)),
  ADMIN(EnumSet.complementOf(EnumSet.of(Permission.DELETE_ORGANIZATION))),
  MEMBER(EnumSet.of(Permission.VIEW, Permission.OPERATE));

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  public boolean may(Permission permission) {
    return permissions.contains(permission);
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role of(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
