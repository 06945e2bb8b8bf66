package eu.runlater.platform;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Every application context of this server: Spring Boot's own servlet web server context, on a bean
 * factory that answers a lookup by generic type at once when no bean is even of its raw type.
 *
 * <p>Spring caches lookups by class once the bean definitions are frozen, but not lookups by
 * generic type: each walks all ~700 definitions. Spring Security makes about 30 of those for every
 * filter chain it builds, one per {@code Customizer<…Configurer<HttpSecurity>>} method of {@code
 * HttpSecurity} (a "top-level customizer" bean, which this application defines none of); with four
 * chains that walk was a tenth of a restart's {@code main} thread (about 250 ms of CPU). A bean
 * that matches {@code Customizer<X>} is a {@code Customizer}, so an empty (cached) answer for the
 * raw class is the answer for every parameterisation of it; when the raw class has beans, the
 * lookup goes Spring's own way. Only eager lookups are shortened: the raw lookup is then eager too
 * and may initialise no bean the generic one would not.
 *
 * <p>Registered in {@code META-INF/spring.factories} ahead of Boot's own servlet factory, so every
 * context of this application is made here, the tests' included; it answers only for the servlet
 * web application type and leaves the environment to Boot's factory.
 */
public final class ContextFactory implements ApplicationContextFactory, Ordered {
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Class<? extends ConfigurableEnvironment> getEnvironmentType(
      WebApplicationType webApplicationType) {
    return null;
  }

  @Override
  public ConfigurableEnvironment createEnvironment(WebApplicationType webApplicationType) {
    return null;
  }

  @Override
  public ConfigurableApplicationContext create(WebApplicationType webApplicationType) {
    if (webApplicationType != WebApplicationType.SERVLET) {
      return null;
    }
    // As Boot's own factory does: the generated bean definitions when they are in use (./run).
    return AotDetector.useGeneratedArtifacts()
        ? new ServletWebServerApplicationContext(new BeanFactory())
        : new AnnotationConfigServletWebServerApplicationContext(new BeanFactory());
  }

  /** Spring's bean factory with the short answer for generic lookups of an absent raw type. */
  static final class BeanFactory extends DefaultListableBeanFactory {
    @Override
    public String[] getBeanNamesForType(
        ResolvableType type, boolean includeNonSingletons, boolean allowEagerInit) {
      Class<?> raw = type.resolve();
      if (raw != null
          && type.hasGenerics()
          && allowEagerInit
          && isConfigurationFrozen()
          && getBeanNamesForType(raw, includeNonSingletons, true).length == 0) {
        return new String[0];
      }
      return super.getBeanNamesForType(type, includeNonSingletons, allowEagerInit);
    }

    /** For tests: Spring's own answer, by walking every definition. */
    String[] springsOwnAnswer(ResolvableType type) {
      return super.getBeanNamesForType(type, true, true);
    }
  }
}
