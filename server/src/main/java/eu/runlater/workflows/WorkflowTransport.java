package eu.runlater.workflows;

import eu.runlater.engine.Transport;
import eu.runlater.platform.engine.SchemeTransport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workflows' timers: a task to {@code workflow:sleep} (a sleep step's end) or {@code
 * workflow:deadline} (a run's max run time), and the others the workflows make ({@code
 * workflow:timeout}, {@code workflow:escalate}, {@code workflow:child/<id>}: a child run ended) is
 * answered 200 at once. The engine makes it durable, due on time and fenced like any delivery, and
 * its outcome, through {@link StepOutcomes}, moves the run: so a sleep of a month survives restarts
 * without a timer of our own.
 */
@Configuration(proxyBeanMethods = false)
class WorkflowTransport {
  static final String SCHEME = "workflow";

  @Bean
  SchemeTransport workflowSchemeTransport() {
    return new SchemeTransport(SCHEME, message -> Transport.Answer.ok("due"));
  }
}
