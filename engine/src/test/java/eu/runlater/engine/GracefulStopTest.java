package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.testing.Sink;
import eu.runlater.testing.Sink.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GracefulStopTest {
  final EngineFixture fixture = new EngineFixture();
  final Sink sink = Sink.start();

  @AfterEach
  void close() {
    fixture.close();
    sink.close();
  }

  @Test
  void in_flight_deliveries_finish_and_nothing_starts_after_stop() throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofMillis(800)));
    Engine engine = fixture.engine(fixture.config().workers(5).build());
    engine.start();
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tasks.add(fixture.task(sink.url("/slow")));
    }
    fixture.insert(engine, tasks);
    Sink.await(Duration.ofSeconds(10), "five deliveries in flight", () -> sink.inFlight() == 5);

    engine.stop();
    int arrived = sink.count();
    assertThat(arrived).isEqualTo(5);
    assertThat(fixture.count("SELECT count(*) FROM executions WHERE status = 'success'"))
        .as("the five in flight finished and were recorded")
        .isEqualTo(5);
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready'")).isEqualTo(15);
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'running'")).isZero();
  }

  @Test
  void deliveries_running_past_the_grace_are_handed_back_to_ready() throws Exception {
    sink.respond(r -> Reply.status(200).after(Duration.ofSeconds(4)));
    Engine engine =
        fixture.engine(fixture.config().workers(3).shutdownGrace(Duration.ofMillis(300)).build());
    engine.start();
    List<NewTask> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tasks.add(fixture.task(sink.url("/stuck")));
    }
    fixture.insert(engine, tasks);
    Sink.await(Duration.ofSeconds(10), "three deliveries in flight", () -> sink.inFlight() == 3);

    engine.stop();
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE state = 'ready' AND attempt = 0"))
        .isEqualTo(3);
    assertThat(fixture.count("SELECT count(*) FROM executions")).isZero();

    // Any node takes them from there.
    sink.respond(r -> Reply.status(200));
    Engine next = fixture.engine(fixture.config().build());
    next.start();
    Sink.await(
        Duration.ofSeconds(20),
        "the handed-back tasks delivered",
        () -> {
          try {
            return fixture.count("SELECT count(*) FROM executions WHERE status = 'success'") == 3;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
