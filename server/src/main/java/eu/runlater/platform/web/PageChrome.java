package eu.runlater.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.ModelAndView;

/**
 * Adds the layout's header (the signed-in viewer, their organizations) to an error page, which no
 * page controller's model carries: an error page of a signed-in user keeps the header and the
 * organization switcher. Implemented by the module that knows the viewer.
 */
public interface PageChrome {

  /**
   * Adds what the layout needs to {@code view}, an error page with {@code status} for {@code
   * request}; it may also retitle a "not found" (what is missing may be in another organization).
   */
  void addTo(ModelAndView view, HttpStatus status, HttpServletRequest request);
}
