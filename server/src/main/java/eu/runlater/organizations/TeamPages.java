package eu.runlater.organizations;

import eu.runlater.accounts.Users;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import eu.runlater.platform.web.PublicUrl;
import java.time.InstantSource;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The team tab: members and their roles, and invitations by email. {@link Members} and {@link
 * Invites} hold the rules (owners protected from admins, at least one owner, the tier's seats).
 */
@Pages
class TeamPages {
  private final Members members;
  private final Invites invites;
  private final Organizations organizations;
  private final InviteMail mail;
  private final PublicUrl publicUrl;
  private final InstantSource clock;

  TeamPages(
      Members members,
      Invites invites,
      Organizations organizations,
      InviteMail mail,
      PublicUrl publicUrl,
      InstantSource clock) {
    this.members = members;
    this.invites = invites;
    this.organizations = organizations;
    this.mail = mail;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  @GetMapping("/settings/team")
  String team(Viewer viewer, Model model) {
    viewer.require(Permission.MANAGE_TEAM, "manage the team");
    SettingsTabs.show(model, viewer, "team");
    Organization org = organizations.get(viewer.organizationId());
    model.addAttribute("members", members.list(org.id()));
    model.addAttribute("invites", invites.pending(org.id()));
    model.addAttribute("now", clock.instant());
    model.addAttribute("limit", org.tier().limits().members());
    model.addAttribute("seats", members.seats(org.id()));
    // Only owners may hand out (or take away) the owner role.
    model.addAttribute(
        "assignable",
        viewer.role() == Role.OWNER ? Role.values() : new Role[] {Role.ADMIN, Role.MEMBER});
    return "settings/team";
  }

  @PostMapping("/settings/team/invites")
  String invite(
      Viewer viewer,
      @RequestParam(defaultValue = "") String email,
      @RequestParam(defaultValue = "member") String role,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_TEAM, "invite members");
    String problem = Users.emailProblem(email);
    if (problem != null) {
      return inviteRefused(problem, email, redirect);
    }
    try {
      Invites.Issued issued =
          invites.create(viewer.organizationId(), viewer.user().id(), email, role(role));
      send(issued, viewer);
      redirect.addFlashAttribute("flash", "Invited " + issued.invite().email() + ".");
    } catch (TeamRuleException | CapRefusal e) {
      return inviteRefused(e.getMessage(), email, redirect);
    }
    return "redirect:/settings/team";
  }

  /** Back to the form, the address kept and the problem shown at its field. */
  private static String inviteRefused(String problem, String email, RedirectAttributes redirect) {
    redirect.addFlashAttribute("inviteError", problem);
    redirect.addFlashAttribute("inviteEmail", email);
    return "redirect:/settings/team";
  }

  @PostMapping("/settings/team/invites/{id}/resend")
  String resend(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_TEAM, "resend invitations");
    try {
      Invites.Issued issued = invites.resend(viewer.organizationId(), id, viewer.user().id());
      send(issued, viewer);
      redirect.addFlashAttribute(
          "flash",
          "Sent a new invitation to " + issued.invite().email() + "; the old link is void.");
    } catch (TeamRuleException | CapRefusal e) {
      redirect.addFlashAttribute("flashError", e.getMessage());
    }
    return "redirect:/settings/team";
  }

  @PostMapping("/settings/team/invites/{id}/revoke")
  String revoke(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_TEAM, "revoke invitations");
    try {
      Invite invite = invites.revoke(viewer.organizationId(), id);
      redirect.addFlashAttribute("flash", "Revoked the invitation of " + invite.email() + ".");
    } catch (TeamRuleException e) {
      redirect.addFlashAttribute("flashError", e.getMessage());
    }
    return "redirect:/settings/team";
  }

  @PostMapping("/settings/team/members/{userId}/role")
  String changeRole(
      Viewer viewer,
      @PathVariable UUID userId,
      @RequestParam String role,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_TEAM, "change roles");
    try {
      members.changeRole(viewer.organizationId(), viewer.user().id(), userId, role(role));
      Member member = members.get(viewer.organizationId(), userId);
      redirect.addFlashAttribute("flash", member.email() + " is now " + member.role().code() + ".");
    } catch (TeamRuleException e) {
      redirect.addFlashAttribute("flashError", e.getMessage());
    }
    return "redirect:/settings/team";
  }

  @PostMapping("/settings/team/members/{userId}/remove")
  String remove(Viewer viewer, @PathVariable UUID userId, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_TEAM, "remove members");
    try {
      Member removed = members.remove(viewer.organizationId(), viewer.user().id(), userId);
      redirect.addFlashAttribute("flash", "Removed " + removed.email() + ".");
    } catch (TeamRuleException e) {
      redirect.addFlashAttribute("flashError", e.getMessage());
      return "redirect:/settings/team";
    }
    return userId.equals(viewer.user().id()) ? "redirect:/" : "redirect:/settings/team";
  }

  private void send(Invites.Issued issued, Viewer viewer) {
    Invite invite = issued.invite();
    mail.invite(
        invite.email(),
        invite.organizationName(),
        viewer.user().email(),
        invite.role(),
        publicUrl.of("/invites/" + issued.token()));
  }

  private static Role role(String code) {
    try {
      return Role.of(code.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new PageException(HttpStatus.BAD_REQUEST, "There is no role " + code + ".");
    }
  }
}
