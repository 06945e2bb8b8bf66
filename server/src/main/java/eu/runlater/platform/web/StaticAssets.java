package eu.runlater.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.ResourceUrlProvider;

/**
 * How browsers keep the stylesheets, scripts and images. Pages link them through Spring's resource
 * chain with the content's hash in the name ({@code spring.web.resources.chain.strategy.content}:
 * {@code @{/css/app.css}} becomes {@code /css/app-<md5>.css}), so a name is one content forever: a
 * hashed name that is the current version of its file is cached for a year and never asked again
 * ({@code immutable}); any other name (the few pages written without the template engine, a link
 * from outside) is kept but revalidated on every use ({@code no-cache}, answered 304 while the file
 * is unchanged). Without this, Spring Security's {@code no-store} made every page load download
 * htmx and the stylesheets again.
 */
@Configuration(proxyBeanMethods = false)
class StaticAssets implements WebMvcConfigurer {
  static final String FOREVER = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";

  private final ObjectProvider<ResourceUrlProvider> urls;

  StaticAssets(ObjectProvider<ResourceUrlProvider> urls) {
    this.urls = urls;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(new Caching(urls))
        .addPathPatterns("/css/**", "/js/**", "/img/**", "/webjars/**");
  }

  private record Caching(ObjectProvider<ResourceUrlProvider> urls) implements HandlerInterceptor {
    @Override
    public boolean preHandle(
        HttpServletRequest request, HttpServletResponse response, Object handler) {
      String path = request.getRequestURI().substring(request.getContextPath().length());
      response.setHeader(HttpHeaders.CACHE_CONTROL, current(path) ? FOREVER : REVALIDATE);
      return true;
    }

    /** Whether {@code path} names a file by its current content: the name the pages link. */
    private boolean current(String path) {
      int dash = path.lastIndexOf('-');
      int dot = path.lastIndexOf('.');
      if (dash < 0 || dot != dash + 33) {
        return false;
      }
      String plain = path.substring(0, dash) + path.substring(dot);
      ResourceUrlProvider provider = urls.getIfAvailable();
      return provider != null && path.equals(provider.getForLookupPath(plain));
    }
  }
}
