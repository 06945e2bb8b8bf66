package eu.runlater.organizations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The caps an operator sets are the caps in force (the record has two constructors). */
class CapsPropertiesTest {

  @Test
  void configured_caps_bind_to_the_record() {
    Map<String, String> settings = new HashMap<>();
    for (String tier : new String[] {"free", "pro"}) {
      String p = "runlater.caps." + tier + ".";
      settings.put(p + "waiting-messages", "7");
      settings.put(p + "stored-bytes", "3MB");
      settings.put(p + "organizations-per-user", "2");
      settings.put(p + "invites-per-day", "4");
      settings.put(p + "invites-per-recipient-per-day", "1");
      settings.put(p + "monitors", tier.equals("pro") ? "20000" : "9");
      settings.put(p + "min-check-interval", "45s");
      settings.put(p + "status-pages", "6");
    }
    CapsProperties caps =
        new Binder(new MapConfigurationPropertySource(settings))
            .bind("runlater.caps", CapsProperties.class)
            .get();

    assertThat(caps.pro().monitors()).isEqualTo(20_000);
    assertThat(caps.free().monitors()).isEqualTo(9);
    assertThat(caps.pro().minCheckInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(caps.free().statusPages()).isEqualTo(6);
    assertThat(caps.free().waitingMessages()).isEqualTo(7L);
  }
}
