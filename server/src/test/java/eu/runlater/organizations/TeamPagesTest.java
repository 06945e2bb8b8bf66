package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.accounts.Users;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class TeamPagesTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired Users users;
  Mailbox mailbox;

  @BeforeEach
  void mailbox() {
    mailbox = new Mailbox(jdbc);
  }

  // Members

  @Test
  void admins_and_owners_see_the_team_and_members_are_refused() {
    var tenant = fixtures.tenant();
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    Browser admin = signedIn(tenant, Role.ADMIN);
    var page = admin.get("/settings/team");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains(owner.email(), member.email(), "Send invitation");
    // Admins are not offered the owner role.
    assertThat(page.body()).doesNotContain("<option value=\"owner\"");
    assertThat(signIn(owner).get("/settings/team").body()).contains("<option value=\"owner\"");
    assertThat(signIn(member).get("/settings/team").status()).isEqualTo(403);
  }

  @Test
  void members_may_not_invite_remove_or_change_roles() {
    var tenant = fixtures.tenant();
    var other = fixtures.user(tenant.id(), Role.MEMBER);
    Browser member = signedIn(tenant, Role.MEMBER);
    member.get("/settings/organization");
    assertThat(
            member
                .post("/settings/team/invites", Map.of("email", "x@example.com", "role", "member"))
                .status())
        .isEqualTo(403);
    assertThat(invitesOf(tenant.id())).isZero();
    assertThat(
            member
                .post("/settings/team/members/" + other.id() + "/role", Map.of("role", "admin"))
                .status())
        .isEqualTo(403);
    assertThat(member.post("/settings/team/members/" + other.id() + "/remove", Map.of()).status())
        .isEqualTo(403);
    assertThat(roleOf(tenant.id(), other.id())).contains(Role.MEMBER);
  }

  @Test
  void an_admin_changes_roles_and_removes_members_but_not_owners() {
    var tenant = fixtures.tenant();
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    var member = fixtures.user(tenant.id(), Role.MEMBER);
    var leaving = fixtures.user(tenant.id(), Role.MEMBER);
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");

    var promoted =
        admin.post("/settings/team/members/" + member.id() + "/role", Map.of("role", "admin"));
    assertThat(promoted.redirectPath()).isEqualTo("/settings/team");
    assertThat(roleOf(tenant.id(), member.id())).contains(Role.ADMIN);
    assertThat(
            admin
                .post("/settings/team/members/" + leaving.id() + "/remove", Map.of())
                .redirectPath())
        .isEqualTo("/settings/team");
    assertThat(roleOf(tenant.id(), leaving.id())).isEmpty();

    // Refused: making an owner, demoting or removing one.
    assertThat(
            admin
                .post("/settings/team/members/" + member.id() + "/role", Map.of("role", "owner"))
                .status())
        .isEqualTo(403);
    assertThat(
            admin
                .post("/settings/team/members/" + owner.id() + "/role", Map.of("role", "member"))
                .status())
        .isEqualTo(403);
    assertThat(admin.post("/settings/team/members/" + owner.id() + "/remove", Map.of()).status())
        .isEqualTo(403);
    assertThat(roleOf(tenant.id(), member.id())).contains(Role.ADMIN);
    assertThat(roleOf(tenant.id(), owner.id())).contains(Role.OWNER);
  }

  @Test
  void an_owner_makes_owners_but_the_last_owner_stays() {
    var tenant = fixtures.tenant();
    var owner = fixtures.user(tenant.id(), Role.OWNER);
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    Browser browser = signIn(owner);
    browser.get("/settings/team");

    var demoteSelf =
        browser.post("/settings/team/members/" + owner.id() + "/role", Map.of("role", "admin"));
    assertThat(demoteSelf.redirectPath()).isEqualTo("/settings/team");
    assertThat(browser.get("/settings/team").body()).contains("keeps at least one owner");
    assertThat(
            browser
                .post("/settings/team/members/" + owner.id() + "/remove", Map.of())
                .redirectPath())
        .isEqualTo("/settings/team");
    assertThat(roleOf(tenant.id(), owner.id())).contains(Role.OWNER);

    browser.post("/settings/team/members/" + admin.id() + "/role", Map.of("role", "owner"));
    assertThat(roleOf(tenant.id(), admin.id())).contains(Role.OWNER);
    // With a second owner, the first may step down.
    browser.post("/settings/team/members/" + owner.id() + "/role", Map.of("role", "member"));
    assertThat(roleOf(tenant.id(), owner.id())).contains(Role.MEMBER);
    // An owner removes another owner.
    Browser second = signIn(admin);
    second.get("/settings/team");
    second.post("/settings/team/members/" + owner.id() + "/remove", Map.of());
    assertThat(roleOf(tenant.id(), owner.id())).isEmpty();
  }

  @Test
  void another_organizations_members_and_invites_are_not_found() {
    var tenant = fixtures.tenant();
    var other = fixtures.tenant();
    var stranger = fixtures.user(other.id(), Role.MEMBER);
    Browser theirs = signedIn(other, Role.OWNER);
    theirs.get("/settings/team");
    theirs.post("/settings/team/invites", Map.of("email", "guest@example.com", "role", "member"));
    UUID invite = inviteId(other.id(), "guest@example.com");

    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    assertThat(
            admin
                .post("/settings/team/members/" + stranger.id() + "/role", Map.of("role", "admin"))
                .status())
        .isEqualTo(404);
    assertThat(admin.post("/settings/team/members/" + stranger.id() + "/remove", Map.of()).status())
        .isEqualTo(404);
    assertThat(admin.post("/settings/team/invites/" + invite + "/revoke", Map.of()).status())
        .isEqualTo(404);
    assertThat(admin.post("/settings/team/invites/" + invite + "/resend", Map.of()).status())
        .isEqualTo(404);
    assertThat(roleOf(other.id(), stranger.id())).contains(Role.MEMBER);
    assertThat(revokedAt(invite)).isNull();
  }

  // Invitations

  @Test
  void an_invite_is_mailed_and_accepted_by_the_invited_address_after_signing_in() {
    var tenant = fixtures.tenant();
    var admin = fixtures.user(tenant.id(), Role.ADMIN);
    var invitee = fixtures.user();
    Browser browser = signIn(admin);
    browser.get("/settings/team");
    var sent =
        browser.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "admin"));
    assertThat(sent.redirectPath()).isEqualTo("/settings/team");
    assertThat(browser.get("/settings/team").body()).contains("Invited " + invitee.email());

    Mailbox.Message mail = mailbox.latestTo(invitee.email());
    assertThat(mail.subject()).contains(tenant.organization().name());
    assertThat(mail.body()).contains(admin.email(), "as an admin");
    String link = mail.link();
    assertThat(link).contains("/invites/");
    String token = link.substring(link.indexOf("/invites/") + 9);
    // Only the hash is stored.
    assertThat(
            jdbc.sql("SELECT count(*) FROM invites WHERE encode(token_hash, 'escape') LIKE :t")
                .param("t", "%" + token + "%")
                .query(Long.class)
                .single())
        .isZero();

    // A stranger sees who invites them where, and is offered to sign in.
    Browser guest = new Browser(port);
    var page = guest.get(link);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains(tenant.organization().name(), admin.email(), invitee.email(), "Sign in");
    assertThat(guest.post("/invites/" + token + "/accept", Map.of()).redirectPath())
        .isEqualTo("/invites/" + token);

    // Signing in brings them back to the invitation.
    guest.get("/login");
    var signedIn =
        guest.post("/login", Map.of("email", invitee.email(), "password", Fixtures.PASSWORD));
    assertThat(signedIn.redirectPath()).startsWith("/invites/" + token);
    assertThat(guest.get("/invites/" + token).body()).contains("Accept and join");
    var accepted = guest.post("/invites/" + token + "/accept", Map.of());
    assertThat(accepted.redirectPath()).isEqualTo("/");
    assertThat(roleOf(tenant.id(), invitee.id())).contains(Role.ADMIN);
    assertThat(guest.get("/").body()).contains(tenant.organization().name());

    // The link works once.
    assertThat(guest.get(link).body()).contains("already accepted");
  }

  @Test
  void a_stranger_signs_up_from_the_invitation_and_comes_back_to_accept_it() {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    String email = "newcomer-" + System.nanoTime() + "@example.com";
    admin.post("/settings/team/invites", Map.of("email", email, "role", "member"));
    String token = tokenOf(mailbox.latestTo(email).link());

    Browser guest = new Browser(port);
    assertThat(guest.get("/invites/" + token).body()).contains("Create an account");
    guest.get("/signup");
    assertThat(guest.post("/signup", Map.of("email", email, "password", "")).redirectPath())
        .isEqualTo("/login/check-mail");
    String magic = mailbox.latestTo(email).link();
    guest.get(magic);
    var signedIn =
        guest.post("/login/ott", Map.of("token", magic.substring(magic.indexOf("token=") + 6)));
    assertThat(signedIn.redirectPath()).startsWith("/invites/" + token);
    guest.get("/invites/" + token);
    assertThat(guest.post("/invites/" + token + "/accept", Map.of()).redirectPath()).isEqualTo("/");
    UUID user = users.findByEmail(email).orElseThrow().id();
    assertThat(roleOf(tenant.id(), user)).contains(Role.MEMBER);
  }

  @Test
  void an_invite_cannot_be_accepted_by_another_address() {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", "wanted@example.com", "role", "member"));
    String token = tokenOf(mailbox.latestTo("wanted@example.com").link());

    var intruder = fixtures.user(fixtures.tenant().id(), Role.OWNER);
    Browser browser = signIn(intruder);
    var page = browser.get("/invites/" + token);
    assertThat(page.body()).contains("This invitation is for", "wanted@example.com");
    browser.post("/invites/" + token + "/accept", Map.of());
    assertThat(roleOf(tenant.id(), intruder.id())).isEmpty();
    assertThat(acceptedAt(inviteId(tenant.id(), "wanted@example.com"))).isNull();
  }

  @Test
  void a_declined_invite_cannot_be_accepted() {
    var tenant = fixtures.tenant();
    var invitee = fixtures.user();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "member"));
    String token = tokenOf(mailbox.latestTo(invitee.email()).link());

    Browser guest = new Browser(port);
    guest.get("/invites/" + token);
    assertThat(guest.post("/invites/" + token + "/decline", Map.of()).redirectPath())
        .isEqualTo("/invites/" + token);
    assertThat(guest.get("/invites/" + token).body()).contains("Invitation declined");

    Browser browser = signIn(invitee);
    browser.get("/invites/" + token);
    browser.post("/invites/" + token + "/accept", Map.of());
    assertThat(roleOf(tenant.id(), invitee.id())).isEmpty();
    admin.get("/settings/team");
    assertThat(admin.get("/settings/team").body())
        .doesNotContain(invitee.email())
        .contains("No pending invitations");
  }

  @Test
  void an_invite_expires_after_7_days_and_a_resend_gives_a_new_link() {
    var tenant = fixtures.tenant();
    var invitee = fixtures.user();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    Instant before = Instant.now();
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "member"));
    UUID id = inviteId(tenant.id(), invitee.email());
    assertThat(expiresAt(id))
        .isBetween(before.plus(Duration.ofDays(7)), Instant.now().plus(Duration.ofDays(7)));
    String oldToken = tokenOf(mailbox.latestTo(invitee.email()).link());

    jdbc.sql("UPDATE invites SET expires_at = now() - interval '1 second' WHERE id = :id")
        .param("id", id)
        .update();
    Browser browser = signIn(invitee);
    assertThat(browser.get("/invites/" + oldToken).body()).contains("Invitation expired");
    browser.post("/invites/" + oldToken + "/accept", Map.of());
    assertThat(roleOf(tenant.id(), invitee.id())).isEmpty();
    assertThat(admin.get("/settings/team").body()).contains("expired");

    assertThat(admin.post("/settings/team/invites/" + id + "/resend", Map.of()).redirectPath())
        .isEqualTo("/settings/team");
    assertThat(mailbox.to(invitee.email())).hasSize(2);
    String newToken = tokenOf(mailbox.latestTo(invitee.email()).link());
    assertThat(newToken).isNotEqualTo(oldToken);
    assertThat(expiresAt(id)).isAfter(Instant.now().plus(Duration.ofDays(6)));
    assertThat(browser.get("/invites/" + oldToken).body()).contains("Invitation not found");
    browser.get("/invites/" + newToken);
    assertThat(browser.post("/invites/" + newToken + "/accept", Map.of()).redirectPath())
        .isEqualTo("/");
    assertThat(roleOf(tenant.id(), invitee.id())).contains(Role.MEMBER);

    // An accepted invitation is not "revoked" after the fact.
    admin.get("/settings/team");
    admin.post("/settings/team/invites/" + id + "/revoke", Map.of());
    assertThat(admin.get("/settings/team").body()).contains("was already accepted");
    assertThat(revokedAt(id)).isNull();
  }

  @Test
  void an_invitation_is_mailed_at_most_once_a_minute() {
    var tenant = fixtures.tenant();
    var invitee = fixtures.user();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "member"));
    UUID id = inviteId(tenant.id(), invitee.email());
    admin.get("/settings/team");

    admin.post("/settings/team/invites/" + id + "/resend", Map.of());
    assertThat(admin.get("/settings/team").body()).contains("sent less than a minute ago");
    assertThat(mailbox.to(invitee.email())).hasSize(1);

    // A minute later (its expiry, set when it was sent, moved back by one), it goes.
    jdbc.sql("UPDATE invites SET expires_at = expires_at - interval '61 seconds' WHERE id = :id")
        .param("id", id)
        .update();
    admin.post("/settings/team/invites/" + id + "/resend", Map.of());
    assertThat(admin.get("/settings/team").body()).contains("Sent a new invitation");
    assertThat(mailbox.to(invitee.email())).hasSize(2);
  }

  @Test
  void an_expired_invite_is_not_resent_to_an_address_invited_again_meanwhile() {
    var tenant = fixtures.tenant();
    var invitee = fixtures.user();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "member"));
    UUID expired = inviteId(tenant.id(), invitee.email());
    jdbc.sql("UPDATE invites SET expires_at = now() - interval '1 second' WHERE id = :id")
        .param("id", expired)
        .update();
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "admin"));
    int mails = mailbox.to(invitee.email()).size();

    admin.get("/settings/team");
    admin.post("/settings/team/invites/" + expired + "/resend", Map.of());
    assertThat(admin.get("/settings/team").body()).contains("already has a pending invitation");
    assertThat(expiresAt(expired)).isBefore(Instant.now());
    assertThat(mailbox.to(invitee.email())).hasSize(mails);
  }

  @Test
  void a_revoked_invite_shows_a_clear_page_and_cannot_be_accepted() {
    var tenant = fixtures.tenant();
    var invitee = fixtures.user();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    admin.post("/settings/team/invites", Map.of("email", invitee.email(), "role", "member"));
    UUID id = inviteId(tenant.id(), invitee.email());
    String token = tokenOf(mailbox.latestTo(invitee.email()).link());
    assertThat(admin.post("/settings/team/invites/" + id + "/revoke", Map.of()).redirectPath())
        .isEqualTo("/settings/team");
    assertThat(revokedAt(id)).isNotNull();

    Browser browser = signIn(invitee);
    assertThat(browser.get("/invites/" + token).body()).contains("Invitation withdrawn");
    browser.post("/invites/" + token + "/accept", Map.of());
    assertThat(roleOf(tenant.id(), invitee.id())).isEmpty();
    assertThat(new Browser(port).get("/invites/not-a-token").body())
        .contains("Invitation not found");
  }

  @Test
  void admins_may_not_invite_owners_but_owners_may() {
    var tenant = fixtures.tenant();
    Browser admin = signedIn(tenant, Role.ADMIN);
    admin.get("/settings/team");
    assertThat(
            admin
                .post(
                    "/settings/team/invites", Map.of("email", "boss@example.com", "role", "owner"))
                .status())
        .isEqualTo(403);
    assertThat(invitesOf(tenant.id())).isZero();
    Browser owner = signedIn(tenant, Role.OWNER);
    owner.get("/settings/team");
    owner.post("/settings/team/invites", Map.of("email", "boss@example.com", "role", "owner"));
    assertThat(invitesOf(tenant.id())).isEqualTo(1);
  }

  @Test
  void the_free_tier_counts_pending_invites_towards_its_two_members() {
    var tenant = fixtures.tenant(Tier.FREE);
    Browser owner = signedIn(tenant, Role.OWNER);
    owner.get("/settings/team");
    owner.post("/settings/team/invites", Map.of("email", "second@example.com", "role", "member"));
    assertThat(invitesOf(tenant.id())).isEqualTo(1);
    assertThat(owner.get("/settings/team").body()).contains("2 of 2 seats used");

    var refused =
        owner.post(
            "/settings/team/invites", Map.of("email", "third@example.com", "role", "member"));
    assertThat(refused.redirectPath()).isEqualTo("/settings/team");
    assertThat(owner.get("/settings/team").body())
        .contains("The free tier allows 2 members, pending invitations included");
    assertThat(invitesOf(tenant.id())).isEqualTo(1);
    assertThat(mailbox.to("third@example.com")).isEmpty();

    // A revoked invitation frees its seat.
    owner.post(
        "/settings/team/invites/" + inviteId(tenant.id(), "second@example.com") + "/revoke",
        Map.of());
    owner.get("/settings/team");
    owner.post("/settings/team/invites", Map.of("email", "third@example.com", "role", "member"));
    assertThat(mailbox.to("third@example.com")).hasSize(1);
  }

  @Test
  void pro_has_no_member_limit_and_an_address_is_invited_once() {
    var tenant = fixtures.tenant(Tier.PRO);
    Browser owner = signedIn(tenant, Role.OWNER);
    owner.get("/settings/team");
    for (int i = 0; i < 4; i++) {
      owner.post(
          "/settings/team/invites", Map.of("email", "p" + i + "@example.com", "role", "member"));
      owner.get("/settings/team");
    }
    assertThat(invitesOf(tenant.id())).isEqualTo(4);
    owner.post("/settings/team/invites", Map.of("email", "P0@example.com", "role", "member"));
    assertThat(owner.get("/settings/team").body()).contains("already has a pending invitation");
    assertThat(invitesOf(tenant.id())).isEqualTo(4);
  }

  private Browser signedIn(Fixtures.Tenant tenant, Role role) {
    return signIn(fixtures.user(tenant.id(), role));
  }

  private static String tokenOf(String link) {
    return link.substring(link.indexOf("/invites/") + 9);
  }

  private Optional<Role> roleOf(UUID org, UUID user) {
    return jdbc.sql("SELECT role FROM memberships WHERE organization_id = :org AND user_id = :user")
        .param("org", org)
        .param("user", user)
        .query(String.class)
        .optional()
        .map(Role::of);
  }

  private long invitesOf(UUID org) {
    return jdbc.sql(
            "SELECT count(*) FROM invites WHERE organization_id = :org AND revoked_at IS NULL")
        .param("org", org)
        .query(Long.class)
        .single();
  }

  private UUID inviteId(UUID org, String email) {
    return jdbc.sql("SELECT id FROM invites WHERE organization_id = :org AND email = lower(:email)")
        .param("org", org)
        .param("email", email)
        .query(UUID.class)
        .single();
  }

  private Instant instant(UUID invite, String column) {
    return jdbc.sql("SELECT " + column + " FROM invites WHERE id = :id")
        .param("id", invite)
        .query((rs, n) -> eu.runlater.engine.SqlTime.instant(rs, column))
        .list()
        .getFirst();
  }

  private Instant expiresAt(UUID invite) {
    return instant(invite, "expires_at");
  }

  private Instant revokedAt(UUID invite) {
    return instant(invite, "revoked_at");
  }

  private Instant acceptedAt(UUID invite) {
    return instant(invite, "accepted_at");
  }
}
