package eu.runlater;

import eu.runlater.platform.LogFormat;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

// No in-memory user: API callers are API keys, and users (later) live in the database.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class RunlaterApplication {
  public static void main(String[] args) {
    LogFormat.apply(System.getenv("LOG_FORMAT"));
    SpringApplication.run(RunlaterApplication.class, args);
  }
}
