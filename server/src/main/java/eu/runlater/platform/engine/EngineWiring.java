package eu.runlater.platform.engine;

import eu.runlater.engine.ClaimHook;
import eu.runlater.engine.Engine;
import eu.runlater.engine.EngineConfig;
import eu.runlater.engine.Nodes;
import eu.runlater.engine.OutcomeHook;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SigningSecrets;
import eu.runlater.engine.TargetPolicy;
import eu.runlater.engine.Tasks;
import eu.runlater.engine.Tenants;
import eu.runlater.platform.database.DedicatedConnections;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.InstantSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java engine into the application: its database, HTTP client, secrets. */
@Configuration(proxyBeanMethods = false)
class EngineWiring {

  @Bean
  TargetPolicy targetPolicy(EngineProperties properties) {
    try {
      return TargetPolicy.parse(properties.allowPrivateTargets());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RUNLATER_ALLOW_PRIVATE_TARGETS: " + e.getMessage(), e);
    }
  }

  @Bean
  Engine engine(
      EngineProperties properties,
      DataSource dataSource,
      DedicatedConnections dedicated,
      TargetPolicy targets,
      SecretBox secrets,
      SigningSecrets signing,
      InstantSource clock,
      MeterRegistry meters,
      ObjectProvider<BuildProperties> build,
      ObjectProvider<ClaimHook> hook,
      ObjectProvider<OutcomeHook> outcomes,
      ObjectProvider<SchemeTransport> transports) {
    EngineConfig config =
        EngineConfig.builder(nodeId())
            .workers(properties.workers())
            .shutdownGrace(properties.shutdownGrace())
            .pollInterval(properties.pollInterval())
            .heartbeatInterval(properties.heartbeatInterval())
            .deadAfter(properties.deadAfter())
            .lookahead(properties.lookahead())
            .completers(properties.completers())
            .userAgent(userAgent(build))
            .version(version(build))
            .build();
    Engine.Builder builder =
        Engine.builder(config)
            .database(dataSource, () -> dedicated.open("runlater-engine"))
            .targets(targets)
            .secrets(secrets, signing)
            .clock(clock)
            .meters(meters)
            .hook(ClaimHook.chain(hook.orderedStream().toList()))
            .outcomes(OutcomeHook.chain(outcomes.orderedStream().toList()));
    transports.orderedStream().forEach(t -> builder.transport(t.scheme(), t.transport()));
    return builder.build();
  }

  @Bean
  EngineLifecycle engineLifecycle(Engine engine) {
    return new EngineLifecycle(engine);
  }

  @Bean
  Tasks tasks(Engine engine) {
    return engine.tasks();
  }

  @Bean
  Tenants tenants() {
    return new Tenants();
  }

  /** The engine nodes sharing the database, for the superadmin's view. */
  @Bean
  Nodes nodes(Engine engine) {
    return engine.nodes();
  }

  static String userAgent(ObjectProvider<BuildProperties> build) {
    return "Runlater/" + version(build);
  }

  static String version(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    return properties == null ? "dev" : properties.getVersion();
  }

  /** Unique per process: host, pid and a random suffix (pids repeat across containers). */
  static String nodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "node";
    }
    return host
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 6);
  }
}
