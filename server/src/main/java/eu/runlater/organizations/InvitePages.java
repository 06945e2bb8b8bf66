package eu.runlater.organizations;

import eu.runlater.accounts.Sessions;
import eu.runlater.accounts.SignedInUser;
import eu.runlater.accounts.Users;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The page an invitation link opens (open to everyone: the token is the proof of the mail). It
 * shows the organization and the inviter; accepting needs a session as the invited address, so a
 * stranger is offered to sign in or sign up and is brought back here afterwards. Declining needs
 * only the link.
 */
@Pages
class InvitePages {
  private final Invites invites;
  private final Users users;
  private final InstantSource clock;
  private final ViewerResolver viewers;
  private final HttpSessionRequestCache requests = Sessions.savedRequests();

  InvitePages(Invites invites, Users users, InstantSource clock, ViewerResolver viewers) {
    this.viewers = viewers;
    this.invites = invites;
    this.users = users;
    this.clock = clock;
  }

  @GetMapping("/invites/{token}")
  String show(
      @PathVariable String token,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    Optional<Invite> invite = invites.byToken(token);
    model.addAttribute("token", token);
    model.addAttribute("invite", invite.orElse(null));
    model.addAttribute("state", invite.map(i -> i.state(clock.instant()).name()).orElse("UNKNOWN"));
    SignedInUser me = signedIn();
    model.addAttribute("me", me);
    if (me == null && invite.isPresent()) {
      // After signing in (or signing up and opening the mailed link) come back to this page.
      requests.saveRequest(request, response);
    }
    model.addAttribute(
        "mine",
        me != null && invite.isPresent() && invite.get().email().equalsIgnoreCase(me.email()));
    return "accounts/invite";
  }

  @PostMapping("/invites/{token}/accept")
  String accept(
      @PathVariable String token, HttpServletRequest request, RedirectAttributes redirect) {
    SignedInUser me = signedIn();
    if (me == null) {
      return "redirect:/invites/" + token;
    }
    Optional<UUID> joined = invites.accept(token, users.get(me.id()));
    if (joined.isEmpty()) {
      return "redirect:/invites/" + token;
    }
    viewers.use(request, me.id(), joined.get());
    redirect.addFlashAttribute("flash", "Welcome! You joined the organization.");
    return "redirect:/";
  }

  @PostMapping("/invites/{token}/decline")
  String decline(@PathVariable String token) {
    invites.decline(token);
    return "redirect:/invites/" + token;
  }

  private static SignedInUser signedIn() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null && auth.getPrincipal() instanceof SignedInUser u ? u : null;
  }
}
