package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.hosts.Holds;
import eu.runlater.support.ServerTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A run the engine holds behind its target's open circuit, planned an hour ahead: the job and its
 * timeline name the target's hold (the host, its page) though the run's time has not come. The
 * circuit is written as the engine writes it, opened before the run was planned, so the engine
 * inserts the run held; its probe is another job's run, an hour ahead, so nothing is sent.
 */
class JobViewHoldTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private String taskState(String job) {
    return jdbc.sql("SELECT state FROM tasks WHERE source_id = :job::uuid")
        .param("job", job)
        .query(String.class)
        .single();
  }

  @Test
  void a_held_run_not_yet_due_names_its_targets_circuit_in_the_job_and_its_timeline() {
    var t = fixtures.tenant();
    String host = "held-" + UUID.randomUUID() + ".example.com";
    String target = Holds.target("https://" + host + "/probe");
    String probeJob = jobAnHourAhead(t, "probe", "https://" + host + "/probe");
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, consecutive_failures, circuit,
                                     opened_at, reopen_at, open_count, probe_task_id, last_error,
                                     updated_at)
            SELECT :org, :host, 10, 'open', now(), now() + interval '1 hour', 1, id, 'HTTP 503',
                   now()
            FROM tasks WHERE source_id = :job::uuid
            """)
        .param("org", t.id())
        .param("host", target)
        .param("job", probeJob)
        .update();

    String held = jobAnHourAhead(t, "held-sync", "https://" + host + "/sync");
    assertThat(taskState(held)).as("the engine holds the run it inserts").isEqualTo("held");

    String circuit = "Held: the circuit to " + host + " is open after repeated failures";
    String page = "/hosts/https/" + host + ":443";
    JsonNode view = api.get("/api/v1/jobs/" + held, t.key()).json();
    assertThat(view.get("status").asString()).isEqualTo("held");
    assertThat(view.get("hold").get("kind").asString()).isEqualTo("host_circuit");
    assertThat(view.get("hold").get("summary").asString()).isEqualTo(circuit);
    assertThat(view.get("hold").get("href").asString()).isEqualTo(page);

    JsonNode entries = api.get("/api/v1/jobs/" + held + "/timeline", t.key()).json().get("entries");
    assertThat(entries).hasSize(1);
    JsonNode entry = entries.get(0);
    assertThat(entry.get("status").asString()).isEqualTo("held");
    assertThat(entry.get("hold").get("summary").asString()).isEqualTo(circuit);
    assertThat(entry.get("hold").get("href").asString()).isEqualTo(page);
  }
}
