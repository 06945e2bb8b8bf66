package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;

class ContextFactoryTest extends ServerTest {
  @Autowired ConfigurableApplicationContext context;

  @Test
  void the_servers_context_is_made_on_the_factorys_bean_factory() {
    assertThat(context.getBeanFactory()).isInstanceOf(ContextFactory.BeanFactory.class);
  }

  /**
   * Every generic lookup Spring Security makes for a chain, and one for the generic type of every
   * bean the server defines, answered as Spring's own bean factory answers it.
   */
  @Test
  void generic_lookups_in_the_server_get_springs_own_answers() {
    var factory = (ContextFactory.BeanFactory) context.getBeanFactory();
    assertThat(factory.isConfigurationFrozen()).isTrue();
    List<ResolvableType> types = new ArrayList<>(securityCustomizerTypes());
    for (String name : factory.getBeanDefinitionNames()) {
      ResolvableType type = factory.getMergedBeanDefinition(name).getResolvableType();
      if (type.hasGenerics() && type.resolve() != null) {
        types.add(type);
      }
    }
    assertThat(securityCustomizerTypes()).hasSizeGreaterThan(20);
    assertThat(types).hasSizeGreaterThan(securityCustomizerTypes().size());
    int shortened = 0;
    for (ResolvableType type : types) {
      String[] answer = factory.getBeanNamesForType(type, true, true);
      assertThat(answer).as("%s", type).containsExactly(factory.springsOwnAnswer(type));
      if (factory.getBeanNamesForType(type.resolve(), true, true).length == 0) {
        shortened++;
      }
    }
    // Security's customizer lookups are the ones answered at once (no Customizer bean here).
    assertThat(shortened).isGreaterThanOrEqualTo(securityCustomizerTypes().size());
  }

  @Test
  void a_generic_lookup_is_shortened_only_when_no_bean_has_its_raw_type() {
    var factory = new ContextFactory.BeanFactory();
    var definition = new RootBeanDefinition(StringSupplier.class);
    factory.registerBeanDefinition("strings", definition);
    factory.freezeConfiguration();
    ResolvableType strings = ResolvableType.forClassWithGenerics(Supplier.class, String.class);
    ResolvableType numbers = ResolvableType.forClassWithGenerics(Supplier.class, Integer.class);
    ResolvableType customizers =
        ResolvableType.forClassWithGenerics(Customizer.class, HttpSecurity.class);

    assertThat(factory.getBeanNamesForType(strings, true, true)).containsExactly("strings");
    assertThat(factory.getBeanNamesForType(numbers, true, true)).isEmpty();
    assertThat(factory.getBeanNamesForType(customizers, true, true)).isEmpty();
    // Not eager, or not frozen yet: Spring's own way, with the same answers.
    assertThat(factory.getBeanNamesForType(strings, true, false)).containsExactly("strings");
    var unfrozen = new ContextFactory.BeanFactory();
    unfrozen.registerBeanDefinition("strings", new RootBeanDefinition(StringSupplier.class));
    assertThat(unfrozen.getBeanNamesForType(strings, true, true)).containsExactly("strings");
    assertThat(unfrozen.getBeanNamesForType(customizers, true, true)).isEmpty();
  }

  /** The parameter type of every public {@code Customizer} method of {@code HttpSecurity}. */
  private static List<ResolvableType> securityCustomizerTypes() {
    List<ResolvableType> types = new ArrayList<>();
    for (Method method : HttpSecurity.class.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers())
          && method.getParameterCount() == 1
          && method.getParameterTypes()[0] == Customizer.class) {
        types.add(ResolvableType.forMethodParameter(new MethodParameter(method, 0)));
      }
    }
    return types;
  }

  static final class StringSupplier implements Supplier<String> {
    @Override
    public String get() {
      return "";
    }
  }
}
