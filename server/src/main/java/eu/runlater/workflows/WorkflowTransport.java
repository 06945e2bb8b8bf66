package eu.runlater.workflows;

import eu.runlater.engine.Transport;
import eu.runlater.platform.engine.SchemeTransport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workflows' timers: a task to {@code workflow:sleep} (a sleep step's end) or {@code
 * workflow:deadline} (a run's max run time), and the others the workflows make ({@code
 * workflow:timeout}, {@code workflow:escalate}, {@code workflow:child/<id>}: a child run ended) is
 * answered 200 at once. The engine makes it durable, due on time and fenced like any delivery, and
 * its outcome, through {@link StepOutcomes}, moves the run: so a sleep of a month survives restarts
 * without a timer of our own. A task to {@code workflow:start/<key>} (a job or a queue message
 * whose target is a workflow) starts a run instead ({@link StartTransport}).
 */
@Configuration(proxyBeanMethods = false)
class WorkflowTransport {
  static final String SCHEME = "workflow";

  @Bean
  SchemeTransport workflowSchemeTransport(ObjectProvider<RunStarts> starts, JsonMapper json) {
    // The starts are looked up at the first delivery: they need the engine this transport is
    // handed to.
    StartTransport start = new StartTransport(starts, json);
    return new SchemeTransport(
        SCHEME,
        message ->
            StartTransport.isStart(message) ? start.send(message) : Transport.Answer.ok("due"));
  }
}
