package eu.runlater;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModulesTest {
  static final ApplicationModules MODULES = ApplicationModules.of(RunlaterApplication.class);

  @Test
  void modules_have_no_cycles_and_reach_only_each_others_api() {
    MODULES.forEach(System.out::println);
    MODULES.verify();
  }
}
