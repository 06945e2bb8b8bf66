package eu.runlater.accounts;

import eu.runlater.platform.mail.DevMailbox;
import eu.runlater.platform.mail.Mailer;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Signing up, signing in (the forms; Spring Security processes them), magic-link confirmation and
 * password reset. Answers never reveal whether an address has an account.
 */
@Pages
class AccountPages {
  private final Users users;
  private final UserTokens tokens;
  private final SignInFlow flow;
  private final AccountMail mail;
  private final SignInLimiter limiter;
  private final Mailer mailer;
  private final SignupPolicy signups;
  private final TransactionTemplate tx;
  private final HttpSessionRequestCache savedRequests = Sessions.savedRequests();

  AccountPages(
      Users users,
      UserTokens tokens,
      SignInFlow flow,
      AccountMail mail,
      SignInLimiter limiter,
      Mailer mailer,
      SignupPolicy signups,
      TransactionTemplate tx) {
    this.signups = signups;
    this.tx = tx;
    this.users = users;
    this.tokens = tokens;
    this.flow = flow;
    this.mail = mail;
    this.limiter = limiter;
    this.mailer = mailer;
  }

  /**
   * The sign-in form: after a refusal with the address typed; else, for someone sent here from an
   * invitation, with the invited address.
   */
  @GetMapping("/login")
  String login(HttpServletRequest request, HttpServletResponse response, Model model) {
    if (signedIn()) {
      return "redirect:/";
    }
    model.addAttribute("refusal", refusal(request));
    String typed = TypedEmail.take(request);
    model.addAttribute("email", typed != null ? typed : invitedEmail(request, response));
    return "accounts/login";
  }

  @GetMapping("/login/check-mail")
  String checkMail(Model model) {
    model.addAttribute("devMailbox", mailer instanceof DevMailbox);
    return "accounts/check-mail";
  }

  /**
   * The page a magic link opens. It only shows a button: mail scanners that follow links must not
   * spend the token, so signing in takes a POST (with CSRF) to {@code /login/ott}.
   */
  @GetMapping("/login/magic")
  String magic(@RequestParam(required = false) String token, Model model) {
    model.addAttribute("token", token == null ? "" : token);
    return "accounts/magic";
  }

  @GetMapping("/signup")
  String signupForm(
      @RequestParam(defaultValue = "") String invite,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    if (signedIn()) {
      return "redirect:/";
    }
    if (invite.isBlank()) {
      // Sent on from an invitation's page (via "Sign in", then "Create an account"): that one.
      invite = savedInvitation(request, response).orElse("");
    }
    SignupPolicy.Decision decision = signups.decide(invite);
    if (!decision.allowed()) {
      return refused(decision, model, response);
    }
    model.addAttribute("invite", decision.invitedEmail() == null ? "" : invite);
    model.addAttribute("email", decision.invitedEmail());
    return "accounts/signup";
  }

  @PostMapping("/signup")
  String signup(
      @RequestParam(defaultValue = "") String email,
      @RequestParam(defaultValue = "") String password,
      @RequestParam(defaultValue = "") String invite,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    SignupPolicy.Decision decision = signups.decide(invite);
    if (!decision.allowed()) {
      return refused(decision, model, response);
    }
    String emailProblem = Users.emailProblem(email);
    emailProblem = emailProblem != null ? emailProblem : decision.emailProblem(email);
    String passwordProblem = password.isEmpty() ? null : Users.passwordProblem(password);
    if (emailProblem != null || passwordProblem != null) {
      model.addAttribute("invite", invite);
      model.addAttribute("email", email);
      model.addAttribute("emailError", emailProblem);
      model.addAttribute("passwordError", passwordProblem);
      return "accounts/signup";
    }
    // Every sign-up counts as a mail request: per address against inbox flooding, per client
    // against mass account creation.
    if (limiter.attempt(SignInLimiter.Kind.MAIL, email, request.getRemoteAddr()).isEmpty()) {
      return "redirect:/login?locked";
    }
    Users.SignUp result =
        users.signUp(email, password.isEmpty() ? null : password, decision.personalOrganization());
    if (result.created()) {
      // From a live invitation (invitedEmail is set only then): the mail names the way back to it.
      String invitationLink =
          decision.invitedEmail() == null ? null : flow.link(request, "/invites/" + invite);
      mail.welcome(result.user().email(), flow.welcomeLink(result.user()), invitationLink);
    } else {
      mail.alreadyRegistered(result.user().email(), flow.magicLink(request, result.user().email()));
    }
    return "redirect:" + SignInFlow.CHECK_MAIL;
  }

  @GetMapping("/password/forgot")
  String forgotForm() {
    return "accounts/forgot";
  }

  @PostMapping("/password/forgot")
  String forgot(@RequestParam(defaultValue = "") String email, HttpServletRequest request) {
    String client = request.getRemoteAddr();
    if (Users.emailProblem(email) == null
        && limiter.attempt(SignInLimiter.Kind.MAIL, email, client).isPresent()) {
      Optional<User> user = users.findByEmail(email);
      user.ifPresent(
          u ->
              mail.passwordReset(
                  u.email(),
                  flow.link(
                      request,
                      "/password/reset?token="
                          + tokens.issue(
                              u.id(), UserTokens.Purpose.RESET_PASSWORD, UserTokens.RESET_TTL))));
    }
    return "redirect:" + SignInFlow.CHECK_MAIL;
  }

  @GetMapping("/password/reset")
  String resetForm(@RequestParam(defaultValue = "") String token, Model model) {
    model.addAttribute("token", token);
    model.addAttribute("valid", tokens.peek(token, UserTokens.Purpose.RESET_PASSWORD).isPresent());
    return "accounts/reset";
  }

  @PostMapping("/password/reset")
  String reset(
      @RequestParam(defaultValue = "") String token,
      @RequestParam(defaultValue = "") String password,
      Model model,
      RedirectAttributes redirect) {
    String problem = Users.passwordProblem(password);
    if (problem != null) {
      model.addAttribute("token", token);
      model.addAttribute("valid", true);
      model.addAttribute("passwordError", problem);
      return "accounts/reset";
    }
    if (tokens.peek(token, UserTokens.Purpose.RESET_PASSWORD).isEmpty()) {
      return invalidReset(token, model);
    }
    // Hashing first: when every hashing slot is busy this is refused (503, try again) before the
    // link is spent or the account touched, so the same link works on the next try.
    String hashed = users.hash(password);
    // Then all or nothing: spend the link, confirm the address (a password set before it was
    // confirmed goes, with the sessions of whoever set it), set the owner's new password.
    Optional<UUID> user =
        tx.execute(
            status -> {
              Optional<UUID> spent = tokens.spend(token, UserTokens.Purpose.RESET_PASSWORD);
              spent.ifPresent(
                  id -> {
                    users.confirm(id);
                    users.setPasswordHash(id, hashed);
                  });
              return spent;
            });
    if (user == null || user.isEmpty()) {
      return invalidReset(token, model);
    }
    redirect.addFlashAttribute("flash", "Your password is set. Sign in with it.");
    return "redirect:/login";
  }

  private static String invalidReset(String token, Model model) {
    model.addAttribute("token", token);
    model.addAttribute("valid", false);
    return "accounts/reset";
  }

  /** The page that says why no account can be created here (RUNLATER_SIGNUP). */
  private static String refused(
      SignupPolicy.Decision decision, Model model, HttpServletResponse response) {
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    model.addAttribute("refusal", decision.refusal());
    return "accounts/signup-refused";
  }

  /**
   * Why the form is shown again ({@code /login?error}, …), for the field the message belongs to.
   */
  private static String refusal(HttpServletRequest request) {
    for (String reason : new String[] {"error", "locked", "unconfirmed", "invalid-email"}) {
      if (request.getParameter(reason) != null) {
        return reason;
      }
    }
    return null;
  }

  /** The token of the invitation whose page sent this browser to sign in, if any. */
  private Optional<String> savedInvitation(
      HttpServletRequest request, HttpServletResponse response) {
    SavedRequest saved = savedRequests.getRequest(request, response);
    if (saved == null) {
      return Optional.empty();
    }
    String path = URI.create(saved.getRedirectUrl()).getPath();
    String prefix = request.getContextPath() + "/invites/";
    if (path == null || !path.startsWith(prefix) || path.length() == prefix.length()) {
      return Optional.empty();
    }
    return Optional.of(path.substring(prefix.length()));
  }

  private String invitedEmail(HttpServletRequest request, HttpServletResponse response) {
    return savedInvitation(request, response)
        .map(token -> signups.decide(token).invitedEmail())
        .orElse(null);
  }

  private static boolean signedIn() {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    return auth != null && auth.getPrincipal() instanceof SignedInUser;
  }
}
