package eu.runlater.organizations;

import eu.runlater.accounts.SignedInUser;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Creating, switching to, renaming, leaving and deleting organizations, and the organization
 * settings tab. The creator of an organization owns it; new organizations are on the free tier.
 */
@Pages
class OrganizationPages {
  private final NewOrganizations newOrganizations;
  private final Organizations organizations;
  private final Members members;
  private final Caps caps;
  private final ViewerResolver viewers;
  private final TransactionTemplate tx;

  OrganizationPages(
      NewOrganizations newOrganizations,
      Organizations organizations,
      Members members,
      Caps caps,
      ViewerResolver viewers,
      TransactionTemplate tx) {
    this.newOrganizations = newOrganizations;
    this.organizations = organizations;
    this.members = members;
    this.caps = caps;
    this.viewers = viewers;
    this.tx = tx;
  }

  @GetMapping("/settings")
  String settings() {
    return "redirect:/settings/organization";
  }

  // No Viewer parameter: a user with no organization left is sent here and must not loop.
  @GetMapping("/organizations/new")
  String newForm(@AuthenticationPrincipal SignedInUser user, Model model) {
    model.addAttribute("first", members.memberships(user.id()).isEmpty());
    return "settings/new-organization";
  }

  @PostMapping("/organizations/new")
  String create(
      @AuthenticationPrincipal SignedInUser user,
      @RequestParam(defaultValue = "") String name,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    String problem = Organizations.nameProblem(name);
    if (problem != null) {
      model.addAttribute("first", members.memberships(user.id()).isEmpty());
      model.addAttribute("name", name);
      model.addAttribute("nameError", problem);
      return "settings/new-organization";
    }
    Organization org;
    try {
      // The cap check locks the user's row; createOrganization joins this transaction.
      org =
          tx.execute(
              status -> {
                caps.checkOrganizations(user.id());
                return newOrganizations.create(name, user.id());
              });
    } catch (CapRefusal e) {
      model.addAttribute("first", false);
      model.addAttribute("name", name);
      model.addAttribute("nameError", e.getMessage());
      return "settings/new-organization";
    }
    viewers.use(request, user.id(), org.id());
    redirect.addFlashAttribute("flash", "Created " + org.name() + ". You are its owner.");
    return "redirect:/settings/organization";
  }

  /**
   * Switches the dashboard to {@code organization}, then opens {@code return} (a path on this site:
   * the page that offered the switch) or Home.
   */
  @PostMapping("/organizations/switch")
  String switchOrganization(
      @RequestParam UUID organization,
      @RequestParam(name = "return", defaultValue = "/") String returnTo,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    if (!viewers.switchTo(request, organization)) {
      redirect.addFlashAttribute("flashError", "You are not a member of that organization.");
      return "redirect:/";
    }
    return "redirect:" + sameSite(returnTo);
  }

  /**
   * {@code path} when it is a path on this site, else Home: never another host ({@code //evil},
   * {@code /\evil}, {@code https://…}) nor a header split.
   */
  static String sameSite(String path) {
    boolean safe =
        path.startsWith("/")
            && !path.startsWith("//")
            && path.length() <= 2000
            && path.chars().noneMatch(c -> c == '\\' || c < 0x21 || c > 0x7e);
    return safe ? path : "/";
  }

  @GetMapping("/settings/organization")
  String organization(Viewer viewer, Model model) {
    SettingsTabs.show(model, viewer, "organization");
    model.addAttribute("organization", organizations.get(viewer.organizationId()));
    return "settings/organization";
  }

  @PostMapping("/settings/organization/name")
  String rename(
      Viewer viewer,
      @RequestParam(defaultValue = "") String name,
      Model model,
      RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_ORGANIZATION, "rename the organization");
    String problem = Organizations.nameProblem(name);
    if (problem != null) {
      redirect.addFlashAttribute("nameError", problem);
      redirect.addFlashAttribute("name", name);
      return "redirect:/settings/organization";
    }
    Organization org = organizations.rename(viewer.organizationId(), name.strip());
    redirect.addFlashAttribute("flash", "Renamed to " + org.name() + ".");
    return "redirect:/settings/organization";
  }

  /** Deletes the organization once its name is typed; the session moves to another one. */
  @PostMapping("/settings/organization/delete")
  String delete(
      Viewer viewer,
      @RequestParam(defaultValue = "") String confirm,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    viewer.require(Permission.DELETE_ORGANIZATION, "delete the organization");
    Organization org = organizations.get(viewer.organizationId());
    if (!confirm.strip().equals(org.name())) {
      redirect.addFlashAttribute(
          "confirmError", "Type the organization's name exactly to delete it: " + org.name());
      return "redirect:/settings/organization";
    }
    organizations.delete(org.id());
    return afterLeaving(viewer.user().id(), request, redirect, "Deleted " + org.name() + ".");
  }

  @PostMapping("/settings/organization/leave")
  String leave(Viewer viewer, HttpServletRequest request, RedirectAttributes redirect) {
    try {
      members.leave(viewer.organizationId(), viewer.user().id());
    } catch (TeamRuleException e) {
      redirect.addFlashAttribute("flashError", e.getMessage());
      return "redirect:/settings/organization";
    }
    return afterLeaving(
        viewer.user().id(),
        request,
        redirect,
        "You left " + viewer.current().organizationName() + ".");
  }

  private String afterLeaving(
      UUID userId, HttpServletRequest request, RedirectAttributes redirect, String message) {
    request.getSession().removeAttribute(ViewerResolver.CURRENT_ORGANIZATION);
    redirect.addFlashAttribute("flash", message);
    return members.memberships(userId).isEmpty() ? "redirect:/organizations/new" : "redirect:/";
  }
}
