package eu.runlater.organizations;

import eu.runlater.accounts.SignedInUser;
import eu.runlater.accounts.User;
import eu.runlater.accounts.Users;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Resolves a {@link Viewer} parameter of a page handler from the session. A signed-in user with no
 * organization left (removed from the last one) is sent to create one.
 */
@Configuration(proxyBeanMethods = false)
class ViewerResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {
  /** The session attribute holding the id of the organization the dashboard shows. */
  public static final String CURRENT_ORGANIZATION = "runlater.organization";

  private static final String VIEWER = ViewerResolver.class.getName() + ".viewer";

  private final Users users;
  private final Members members;

  ViewerResolver(Users users, Members members) {
    this.users = users;
    this.members = members;
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(this);
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Viewer.class;
  }

  @Override
  public Viewer resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mav,
      NativeWebRequest webRequest,
      WebDataBinderFactory binderFactory) {
    HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
    return current(request);
  }

  /**
   * The viewer of this request; throws {@link NoOrganizationException} when they have none. Read
   * once per request (the layout's model and the handler's argument share it).
   */
  public Viewer current(HttpServletRequest request) {
    if (request.getAttribute(VIEWER) instanceof Viewer viewer) {
      return viewer;
    }
    Viewer viewer = load(request);
    request.setAttribute(VIEWER, viewer);
    return viewer;
  }

  private Viewer load(HttpServletRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof SignedInUser principal)) {
      throw new IllegalStateException("Viewer asked for on a page that needs no sign-in");
    }
    User user = users.get(principal.id());
    List<Membership> memberships = members.memberships(user.id());
    if (memberships.isEmpty()) {
      throw new NoOrganizationException();
    }
    HttpSession session = request.getSession();
    Object chosen = session.getAttribute(CURRENT_ORGANIZATION);
    if (chosen == null) {
      // A new session (any way of signing in): open the organization last used, if still a member.
      chosen = members.lastUsed(user.id()).map(UUID::toString).orElse(null);
    }
    String wanted = chosen == null ? null : chosen.toString();
    Membership current =
        memberships.stream()
            .filter(m -> m.organizationId().toString().equals(wanted))
            .findFirst()
            .orElse(memberships.getFirst());
    session.setAttribute(CURRENT_ORGANIZATION, current.organizationId().toString());
    return new Viewer(user, current, memberships);
  }

  /** Makes {@code organizationId} the one the dashboard shows, if the viewer belongs to it. */
  public boolean switchTo(HttpServletRequest request, UUID organizationId) {
    Viewer viewer = current(request);
    boolean member =
        viewer.memberships().stream().anyMatch(m -> m.organizationId().equals(organizationId));
    if (member) {
      use(request, viewer.user().id(), organizationId);
    }
    return member;
  }

  /**
   * Shows {@code organizationId} (which {@code userId} just joined, created or chose) in this
   * session, and remembers it for their next one.
   */
  public void use(HttpServletRequest request, UUID userId, UUID organizationId) {
    request.getSession().setAttribute(CURRENT_ORGANIZATION, organizationId.toString());
    request.removeAttribute(VIEWER);
    members.markUsed(organizationId, userId);
  }

  /** The signed-in user belongs to no organization. */
  public static class NoOrganizationException extends RuntimeException {
    NoOrganizationException() {
      super("You belong to no organization");
    }
  }
}
