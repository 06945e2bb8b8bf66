package eu.runlater.apikeys;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses every {@code /api/v1/admin/**} request whose key is not an admin key ({@link AdminKeys}),
 * before it runs.
 */
@Configuration(proxyBeanMethods = false)
class AdminKeyGuard implements WebMvcConfigurer, HandlerInterceptor {
  private final AdminKeys admin;

  AdminKeyGuard(AdminKeys admin) {
    this.admin = admin;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/api/v1/admin/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null
        && auth.getPrincipal() instanceof ApiPrincipal caller
        && admin.admits(caller.apiKeyId())) {
      return true;
    }
    throw new ApiProblem(
        HttpStatus.FORBIDDEN,
        "admin-key-required",
        "Admin key required",
        "This endpoint is for the instance's superadmin: use an admin API key (signed in as"
            + " superadmin, tick 'Admin key' when creating a key on the dashboard's API keys"
            + " page).");
  }
}
