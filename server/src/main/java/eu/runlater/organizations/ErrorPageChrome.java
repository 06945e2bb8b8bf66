package eu.runlater.organizations;

import eu.runlater.accounts.SignedInUser;
import eu.runlater.platform.web.PageChrome;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;

/**
 * The header on error pages, and the "not found" that is not: a page of another of the viewer's
 * organizations (a link shared by a teammate, a bookmark) says which one holds it and offers to
 * switch there. Only the viewer's own organizations are searched, so nothing is revealed about the
 * others.
 */
@Component
class ErrorPageChrome implements PageChrome {
  private final ViewerResolver viewers;
  private final List<OwnerLookup> lookups;

  ErrorPageChrome(ViewerResolver viewers, List<OwnerLookup> lookups) {
    this.viewers = viewers;
    this.lookups = lookups;
  }

  @Override
  public void addTo(ModelAndView view, HttpStatus status, HttpServletRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !(auth.getPrincipal() instanceof SignedInUser)) {
      return;
    }
    Viewer viewer;
    try {
      viewer = viewers.current(request);
    } catch (ViewerResolver.NoOrganizationException e) {
      return;
    }
    String path = originalPath(request);
    view.addObject("viewer", viewer);
    view.addObject("path", path);
    if (status == HttpStatus.NOT_FOUND && "GET".equals(request.getMethod())) {
      elsewhere(viewer, path)
          .ifPresent(
              found -> {
                String where = found.organization().organizationName();
                view.addObject("elsewhere", found);
                String what = found.what();
                view.addObject(
                    "title",
                    Character.toUpperCase(what.charAt(0)) + what.substring(1) + " in " + where);
                view.addObject(
                    "message",
                    "This " + found.what() + " is in organization " + where + ", not in this one.");
                view.addObject("returnTo", returnPath(request, path));
              });
    }
  }

  /** Another organization of the viewer's holds what {@code path} shows. */
  record Elsewhere(Membership organization, String what) {}

  private Optional<Elsewhere> elsewhere(Viewer viewer, String path) {
    List<UUID> others =
        viewer.memberships().stream()
            .map(Membership::organizationId)
            .filter(id -> !id.equals(viewer.organizationId()))
            .toList();
    if (others.isEmpty()) {
      return Optional.empty();
    }
    for (OwnerLookup lookup : lookups) {
      Optional<OwnerLookup.Owner> owner = lookup.ownerOf(path, others);
      if (owner.isPresent()) {
        UUID id = owner.get().organizationId();
        // Re-checked here: a lookup that answered outside the candidates must not leak it.
        Optional<Membership> member =
            viewer.memberships().stream().filter(m -> m.organizationId().equals(id)).findFirst();
        if (member.isPresent() && others.contains(id)) {
          return Optional.of(new Elsewhere(member.get(), owner.get().what()));
        }
      }
    }
    return Optional.empty();
  }

  /** The path the browser asked for (on the container's error dispatch, the one that failed). */
  private static String originalPath(HttpServletRequest request) {
    Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    String path = failed instanceof String s ? s : request.getRequestURI();
    String context = request.getContextPath();
    return !context.isEmpty() && path.startsWith(context) ? path.substring(context.length()) : path;
  }

  private static String returnPath(HttpServletRequest request, String path) {
    String query =
        request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) == null
            ? request.getQueryString()
            : null;
    return query == null ? path : path + "?" + query;
  }
}
