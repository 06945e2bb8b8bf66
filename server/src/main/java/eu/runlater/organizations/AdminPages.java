package eu.runlater.organizations;

import eu.runlater.accounts.SignedInUser;
import eu.runlater.accounts.User;
import eu.runlater.accounts.Users;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The superadmin's page: every organization with its tier, members and age, and the form that
 * changes a tier. Anyone else gets 403. Superadmin is read from the database on each request, not
 * from the session, so a demotion applies at once.
 */
@Pages
class AdminPages {
  static final int SHOWN = 200;
  private final Admin admin;
  private final Users users;

  AdminPages(Admin admin, Users users) {
    this.admin = admin;
    this.users = users;
  }

  @GetMapping("/admin/organizations")
  String organizations(
      @AuthenticationPrincipal SignedInUser me,
      @RequestParam(defaultValue = "") String q,
      Model model) {
    requireSuperadmin(me);
    List<AdminOrganization> rows = admin.organizations(q, null, SHOWN);
    model.addAttribute("organizations", rows.size() > SHOWN ? rows.subList(0, SHOWN) : rows);
    model.addAttribute("more", rows.size() > SHOWN);
    model.addAttribute("q", q);
    model.addAttribute("tiers", Tier.values());
    return "admin/organizations";
  }

  @PostMapping("/admin/organizations/{id}/tier")
  String setTier(
      @AuthenticationPrincipal SignedInUser me,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "") String tier,
      @RequestParam(defaultValue = "") String q,
      RedirectAttributes redirect) {
    User user = requireSuperadmin(me);
    String problem = Admin.tierProblem(tier);
    if (problem != null) {
      redirect.addFlashAttribute("flashError", "Tier " + problem + ".");
    } else {
      AdminOrganization org = admin.setTier(id, Tier.of(tier.strip()), user.email());
      redirect.addFlashAttribute(
          "flash", org.name() + " (" + org.slug() + ") is on " + org.tier().code() + " now.");
    }
    redirect.addAttribute("q", q);
    return "redirect:/admin/organizations";
  }

  private User requireSuperadmin(SignedInUser me) {
    User user = users.get(me.id());
    if (!user.superadmin()) {
      throw new PageException(
          HttpStatus.FORBIDDEN, "Only the instance's superadmin sees this page.");
    }
    return user;
  }
}
