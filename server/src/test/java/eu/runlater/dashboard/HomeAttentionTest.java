package eu.runlater.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Runs past their time on Home, each with why it waits. The engine's state is written as the engine
 * writes it (a held task behind an open circuit, a full organization cap), since a real engine
 * would otherwise deliver them at once.
 */
class HomeAttentionTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  private void task(UUID org, String job, String url, String state, Duration due) {
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).minus(due);
    jdbc.sql(
            """
            INSERT INTO tasks (id, organization_id, source_kind, source_id, priority, run_at,
                               scheduled_for, max_attempts, url, method, timeout_ms,
                               backoff_base_ms, backoff_max_ms, created_at, target_host, state,
                               lease_expires_at, lease_token, claimed_by)
            VALUES (:id, :org, 'job', :job::uuid, 5, :at, :at, 1, :url, 'POST', 5000, 50, 200, :at,
                    :target, :state, :lease, :token, :by)
            """)
        .param("id", UUID.randomUUID())
        .param("org", org)
        .param("job", job)
        .param("at", at)
        .param("url", url)
        .param("target", eu.runlater.hosts.Holds.target(url))
        .param("state", state)
        .param("lease", "running".equals(state) ? at.plusHours(2) : null)
        .param("token", "running".equals(state) ? 1L : null)
        .param("by", "running".equals(state) ? "elsewhere" : null)
        .update();
  }

  @Test
  void a_run_held_by_its_hosts_circuit_is_listed_with_the_host_and_why() {
    var t = fixtures.tenant();
    String url = "https://held-" + UUID.randomUUID() + ".example.com/hook";
    String target = eu.runlater.hosts.Holds.target(url);
    String id = jobAnHourAhead(t, "held-one", url);
    // The job's next run (an hour ahead) is the circuit's probe, as the engine picks one: without
    // a probe the engine would make the held run below the probe and move it to the reopen time.
    UUID probe =
        jdbc.sql("SELECT id FROM tasks WHERE source_id = :job::uuid")
            .param("job", id)
            .query(UUID.class)
            .single();
    jdbc.sql(
            """
            INSERT INTO host_states (organization_id, host, consecutive_failures, circuit,
                                     opened_at, reopen_at, open_count, probe_task_id, last_error,
                                     updated_at)
            VALUES (:org, :host, 10, 'open', now(), now() + interval '1 hour', 1, :probe,
                    'HTTP 503', now())
            """)
        .param("org", t.id())
        .param("host", target)
        .param("probe", probe)
        .update();
    task(t.id(), id, url, "held", Duration.ofMinutes(5));

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String attention = browser.htmx("/home/attention").body();
    String host = target.substring("https://".length(), target.length() - ":443".length());
    assertThat(attention)
        .contains("Held: the circuit to " + host + " is open")
        .contains("href=\"/hosts/https/" + host + ":443\"")
        .contains("HTTP 503")
        .contains("href=\"/jobs/" + id + "\"")
        .contains("held-one")
        .contains("(due 5 min ago)")
        .doesNotContain("All clear");
  }

  @Test
  void a_run_waiting_for_the_organizations_cap_says_so() {
    var t = fixtures.tenant();
    String busy = jobAnHourAhead(t, "busy-one", "https://busy.example.com/hook");
    String waiting = jobAnHourAhead(t, "waiting-one", "https://waiting.example.com/hook");
    jdbc.sql("UPDATE organization_caps SET max_running = 1 WHERE organization_id = :o")
        .param("o", t.id())
        .update();
    task(t.id(), busy, "https://busy.example.com/hook", "running", Duration.ofMinutes(1));
    task(t.id(), waiting, "https://waiting.example.com/hook", "ready", Duration.ofMinutes(2));

    Browser browser = signIn(fixtures.user(t.id(), Role.MEMBER));
    String attention = browser.htmx("/home/attention").body();
    assertThat(attention)
        .contains("waiting-one")
        .contains("Held: the organization runs 1 of its 1 parallel deliveries")
        .doesNotContain("busy-one");
  }
}
