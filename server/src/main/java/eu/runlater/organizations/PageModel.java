package eu.runlater.organizations;

import eu.runlater.accounts.SignedInUser;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Puts the viewer in every page's model (the layout's header needs it) and sends a user with no
 * organization to create one.
 */
@ControllerAdvice(annotations = Pages.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageModel {
  private final ViewerResolver viewers;

  PageModel(ViewerResolver viewers) {
    this.viewers = viewers;
  }

  @ModelAttribute("viewer")
  Viewer viewer(HttpServletRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof SignedInUser)) {
      return null;
    }
    try {
      return viewers.current(request);
    } catch (ViewerResolver.NoOrganizationException e) {
      return null;
    }
  }

  /** The path being shown, for the header's active tab. */
  @ModelAttribute("path")
  String path(HttpServletRequest request) {
    return request.getRequestURI();
  }

  @ExceptionHandler(ViewerResolver.NoOrganizationException.class)
  String noOrganization() {
    return "redirect:/organizations/new";
  }
}
