package eu.runlater;

import eu.runlater.platform.LogFormat;
import eu.runlater.platform.StartPriority;
import eu.runlater.platform.TrainingStart;
import eu.runlater.platform.database.EmbeddedDatabaseEarlyStart;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.metrics.TomcatMetricsAutoConfiguration;

// No in-memory user: API callers are API keys, and users (later) live in the database.
// No Tomcat metrics: they count Tomcat's own sessions (ours are in the database) and made the
// JVM's platform MBean server at every start (about 3 % of a restart's main thread).
@SpringBootApplication(
    exclude = {UserDetailsServiceAutoConfiguration.class, TomcatMetricsAutoConfiguration.class})
@ConfigurationPropertiesScan
public class RunlaterApplication {
  public static void main(String[] args) {
    // This thread first, the optimising JIT compiler last, until the node is ready: on few cores
    // main otherwise waits for a core almost as long as it runs.
    StartPriority.begin();
    LogFormat.apply(System.getenv("LOG_FORMAT"));
    // The embedded PostgreSQL starts now, beside Spring, instead of when its bean is made.
    EmbeddedDatabaseEarlyStart.begin(args);
    // The JDK's default TLS context (its trust store read and parsed: about 4 % of a restart's
    // main thread) is what the delivery client and the uptime checks start from, and the JDK's
    // list of locales (2 % of it) what Spring's message source reads first; made beside Spring,
    // they are there when main asks (it waits for a class another thread is initialising).
    Thread.ofPlatform().name("start-preload").daemon().start(RunlaterApplication::preload);
    SpringApplication application = new SpringApplication(RunlaterApplication.class);
    application.addListeners(new EmbeddedDatabaseEarlyStart(), new StartPriority());
    if (TrainingStart.enabled()) {
      // The build's training start (server/pom.xml, profile aot-cache): start as ./run does,
      // answer a first visitor's requests, then stop as on SIGTERM.
      application.addListeners(new TrainingStart());
    }
    application.run(args);
  }

  private static void preload() {
    Locale.getAvailableLocales();
    try {
      SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      // The beans that need it say so when they ask for it.
    }
  }
}
