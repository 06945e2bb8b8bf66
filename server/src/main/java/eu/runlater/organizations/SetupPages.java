package eu.runlater.organizations;

import eu.runlater.accounts.Sessions;
import eu.runlater.accounts.Users;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The page the printed setup link opens ({@link Setup}): it creates the owner account with an email
 * and a password, signs it in and shows the dashboard. A wrong, replaced or used link shows a page
 * that says so and changes nothing. The link is only shown, not spent, by opening it.
 */
@Pages
class SetupPages {
  private final Setup setup;
  private final Sessions sessions;

  SetupPages(Setup setup, Sessions sessions) {
    this.setup = setup;
    this.sessions = sessions;
  }

  @GetMapping("/setup")
  String form(
      @RequestParam(defaultValue = "") String token, Model model, HttpServletResponse response) {
    if (!setup.live(token)) {
      return refused(model, response);
    }
    model.addAttribute("token", token);
    return "accounts/setup";
  }

  @PostMapping("/setup")
  String create(
      @RequestParam(defaultValue = "") String token,
      @RequestParam(defaultValue = "") String email,
      @RequestParam(defaultValue = "") String password,
      Model model,
      HttpServletRequest request,
      HttpServletResponse response,
      RedirectAttributes redirect) {
    if (!setup.live(token)) {
      return refused(model, response);
    }
    String emailProblem = Users.emailProblem(email);
    String passwordProblem = Users.passwordProblem(password);
    if (emailProblem != null || passwordProblem != null) {
      return again(model, response, token, email, emailProblem, passwordProblem);
    }
    Setup.Result result = setup.complete(token, email, password);
    switch (result.outcome()) {
      case INVALID_TOKEN -> {
        return refused(model, response);
      }
      case ADDRESS_TAKEN -> {
        return again(
            model,
            response,
            token,
            email,
            "This address already has an account here. Use another address for the owner.",
            null);
      }
      case CREATED -> {
        sessions.signIn(Users.normalize(email), request, response);
        redirect.addFlashAttribute(
            "flash",
            "Welcome! You own the Default organization (the printed API key's) and administer"
                + " this instance.");
        return "redirect:/";
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private String again(
      Model model,
      HttpServletResponse response,
      String token,
      String email,
      String emailProblem,
      String passwordProblem) {
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    model.addAttribute("token", token);
    model.addAttribute("email", email);
    model.addAttribute("emailError", emailProblem);
    model.addAttribute("passwordError", passwordProblem);
    return "accounts/setup";
  }

  private String refused(Model model, HttpServletResponse response) {
    response.setStatus(HttpServletResponse.SC_NOT_FOUND);
    model.addAttribute("done", setup.done());
    return "accounts/setup-invalid";
  }
}
