package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.EngineConfig;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import eu.runlater.testing.Sink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A connection without a rate or parallelism whose destination refuses connections for longer than
 * its forwards' retries would last: the engine's circuit for that target holds them (their attempts
 * kept, none failed for good), and its probe, once the destination is back, releases every one to
 * be delivered. (A limited connection's case is in {@link ConnectionLimitsTest}.)
 */
class DestinationDownTest extends ServerTest {
  /** The circuit's first open period is 30 s; its probe goes after it. */
  static final Duration WITHIN = Duration.ofSeconds(120);

  @Autowired JdbcClient jdbc;

  private JsonNode source(Fixtures.Tenant t) {
    var r = api.post("/api/v1/sources", t.key(), "{\"name\": \"in\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api.Response receive(JsonNode source, String body) {
    var r =
        api.send(
            api.request(source.get("url").asString().replaceFirst("^http://[^/]+", ""))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r;
  }

  private JsonNode forward(Fixtures.Tenant t, Api.Response answer) {
    String id = answer.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElseThrow();
    return api.get("/api/v1/inbound-events/" + id, t.key()).json().get("forwards").get(0);
  }

  /** The organization's view of the target: its circuit, or null when it is not in trouble. */
  private String circuit(Fixtures.Tenant t, int port) {
    for (JsonNode host : api.get("/api/v1/hosts", t.key()).json().get("data")) {
      if (host.get("host").asString().equals("127.0.0.1:" + port)) {
        return host.get("circuit").asString();
      }
    }
    return null;
  }

  private long count(String sql, Fixtures.Tenant t) {
    return jdbc.sql(sql).param("org", t.id()).query(Long.class).single();
  }

  private long failedAttempts(Fixtures.Tenant t) {
    return count(
        "SELECT count(*) FROM executions WHERE organization_id = :org AND attempt > 0"
            + " AND status <> 'success'",
        t);
  }

  @Test
  void forwards_to_a_destination_refusing_connections_are_held_and_all_delivered_when_it_is_back()
      throws IOException {
    var t = fixtures.tenant();
    // A port bound but not listening: every connection to it is refused, and it stays ours
    // until the destination comes back on it.
    Socket reserved = new Socket();
    reserved.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = reserved.getLocalPort();
    Sink back = null;
    try {
      JsonNode s = source(t);
      var c =
          api.post(
              "/api/v1/connections",
              t.key(),
              ("{\"source_id\": \"%s\", \"name\": \"down\", \"destination_url\":"
                      + " \"http://127.0.0.1:%d/down\", \"retries\": 10}")
                  .formatted(s.get("id").asString(), port));
      assertThat(c.status()).as(c.body()).isEqualTo(201);
      assertThat(c.json().get("rate").isNull()).isTrue();
      int n = 6;
      List<Api.Response> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(receive(s, "{\"n\": " + i + "}"));
      }

      // Retried every 100–200 ms here, 6 forwards of 11 attempts would all fail within seconds;
      // 10 refusals in a row open the target's circuit first, which holds them instead.
      Sink.await(WITHIN, "the destination's circuit open", () -> "open".equals(circuit(t, port)));
      // Every forward held but one, the probe, due when the open period ends (a retry's
      // backoff here is at most 200 ms: a task due later than 5 s is the probe).
      Sink.await(
          WITHIN,
          "every forward held, one of them as the probe",
          () ->
              count("SELECT count(*) FROM tasks WHERE organization_id = :org AND state = 'held'", t)
                      == n - 1
                  && count(
                          "SELECT count(*) FROM tasks WHERE organization_id = :org"
                              + " AND state = 'ready' AND run_at > now() + interval '5 seconds'",
                          t)
                      == 1);
      long failedWhileDown = failedAttempts(t);
      assertThat(failedWhileDown)
          .isGreaterThanOrEqualTo(EngineConfig.DEFAULT_CIRCUIT_THRESHOLD)
          .isLessThan(n * 11L);
      // Held, not failed: every forward keeps attempts to spend.
      assertThat(
              count(
                  "SELECT count(*) FROM tasks WHERE organization_id = :org"
                      + " AND attempt < max_attempts",
                  t))
          .isEqualTo(n);

      reserved.close();
      back = Sink.startOn(port);
      // The probe goes when the open period ends; its success releases everything held.
      back.awaitCount(n, WITHIN);
      Set<String> delivered =
          back.received().stream()
              .map(r -> new String(r.body(), StandardCharsets.UTF_8))
              .collect(Collectors.toSet());
      assertThat(delivered).hasSize(n);
      for (Api.Response answer : answers) {
        Sink.await(
            WITHIN,
            "each forward's last attempt a success",
            () -> {
              JsonNode attempts = forward(t, answer).get("attempts");
              return attempts.size() > 0
                  && attempts.get(attempts.size() - 1).get("status").asString().equals("success");
            });
        assertThat(forward(t, answer).get("state").asString()).isEqualTo("queued");
      }
      // Nothing was spent while the circuit held them: the probe succeeded.
      assertThat(failedAttempts(t)).isEqualTo(failedWhileDown);
      Sink.await(WITHIN, "the circuit closed", () -> circuit(t, port) == null);
    } finally {
      reserved.close();
      if (back != null) {
        back.close();
      }
    }
  }
}
