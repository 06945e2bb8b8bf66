package eu.runlater.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Sources changed or deleted on another node while this one holds them in its cache ({@link
 * SourceCache}): the other node is played by SQL straight to the database, which this node's cache
 * does not hear of. A request verified with the old copy is never stored; it is handled again with
 * the source as it is now.
 */
class SourceChangeTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired Sources sources;
  @Autowired Inbox inbox;

  private JsonNode source(String key, String json) {
    var r = api.post("/api/v1/sources", key, json);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static String path(JsonNode source) {
    return source.get("url").asString().replaceFirst("^http://[^/]+", "");
  }

  private static String token(JsonNode source) {
    return path(source).substring(HostedEndpoint.PREFIX.length());
  }

  private Api.Response post(String path, String... headers) {
    HttpRequest.Builder b =
        api.request(path)
            .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"evt_1\"}"))
            .header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return api.send(b);
  }

  private static Received request() {
    return new Received(
        "POST",
        "",
        null,
        List.of(Map.entry("Content-Type", "application/json")),
        "{}".getBytes(StandardCharsets.UTF_8),
        2,
        "application/json",
        "127.0.0.1",
        "http://localhost/in/x",
        Instant.now());
  }

  private long stored(UUID source) {
    return jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :id")
        .param("id", source)
        .query(Long.class)
        .single();
  }

  /** What another node does to the source: its settings changed, its version raised. */
  private void changeElsewhere(UUID id, String set) {
    int changed =
        jdbc.sql(
                "UPDATE inbound_sources SET "
                    + set
                    + ", version = version + 1, updated_at = now() WHERE id = :id")
            .param("id", id)
            .update();
    assertThat(changed).isEqualTo(1);
  }

  @Test
  void a_request_verified_with_a_copy_older_than_the_stored_source_is_not_stored() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"fenced\"}");
    UUID id = UUID.fromString(s.get("id").asString());
    Source cached = sources.byToken(token(s)).orElseThrow();

    changeElsewhere(id, "response_status = 200");
    assertThatThrownBy(() -> inbox.receive(cached, request()))
        .isInstanceOf(InboundEvents.Stale.class);
    assertThat(stored(id)).isZero();
    // The copy as it is now is stored, and answers as the change says.
    Source now = sources.byTokenFresh(token(s)).orElseThrow();
    assertThat(now.version()).isEqualTo(cached.version() + 1);
    assertThat(inbox.receive(now, request()).getStatusCode().value()).isEqualTo(200);
    assertThat(stored(id)).isEqualTo(1);

    jdbc.sql("DELETE FROM inbound_sources WHERE id = :id").param("id", id).update();
    assertThatThrownBy(() -> inbox.receive(now, request())).isInstanceOf(InboundEvents.Stale.class);
  }

  @Test
  void a_change_on_another_node_is_honoured_by_the_next_request_though_this_node_cached_the_old() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"changed\"}");
    UUID id = UUID.fromString(s.get("id").asString());
    assertThat(post(path(s)).status()).isEqualTo(202);
    long before = sources.byToken(token(s)).orElseThrow().version();

    changeElsewhere(
        id, "response_status = 200, response_body = 'ok', response_type = 'text/plain'");
    var answer = post(path(s));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("ok");
    // This node's cache now holds the source as changed.
    assertThat(sources.byToken(token(s)).orElseThrow().version()).isEqualTo(before + 1);
  }

  @Test
  void a_request_handled_again_takes_one_unit_of_the_rate_limit_not_two() {
    var t = fixtures.tenant();
    JsonNode s =
        source(
            t.key(),
            "{\"name\": \"one a minute\", \"rate_limit\": {\"requests\": 1, \"per_seconds\":"
                + " 3600}}");
    UUID id = UUID.fromString(s.get("id").asString());
    assertThat(sources.byToken(token(s))).isPresent();

    changeElsewhere(id, "response_status = 200");
    // Verified with the cached copy, not stored, handled again: still its one request.
    assertThat(post(path(s)).status()).isEqualTo(200);
    assertThat(post(path(s)).status()).isEqualTo(429);
  }

  @Test
  void a_source_deleted_on_another_node_is_404_at_once_and_nothing_is_stored_under_it() {
    var t = fixtures.tenant();
    JsonNode s = source(t.key(), "{\"name\": \"deleted\"}");
    UUID id = UUID.fromString(s.get("id").asString());
    assertThat(post(path(s)).status()).isEqualTo(202);
    assertThat(sources.byToken(token(s))).isPresent();

    jdbc.sql("DELETE FROM inbound_sources WHERE id = :id").param("id", id).update();
    assertThat(post(path(s)).status()).isEqualTo(404);
    assertThat(post(path(s)).status()).isEqualTo(404);
    assertThat(stored(id)).isZero();
  }

  @Test
  void requests_flowing_while_another_node_adds_verification_are_none_accepted_after_it()
      throws Exception {
    var t = fixtures.tenant();
    JsonNode open =
        source(
            t.key(),
            "{\"name\": \"open\", \"rate_limit\": {\"requests\": 100000, \"per_seconds\": 1}}");
    JsonNode keyed =
        source(
            t.key(),
            "{\"name\": \"keyed\", \"verification\": {\"type\": \"api_key\", \"header\":"
                + " \"X-Hook-Key\", \"secret\": \"k1\"}}");
    UUID id = UUID.fromString(open.get("id").asString());
    record Sent(long startedAt, int status, String requestId) {}
    var sent = new ConcurrentLinkedQueue<Sent>();
    var stop = new AtomicBoolean();
    var changedAt = new AtomicLong(Long.MAX_VALUE);
    var warm = new CountDownLatch(20);
    // Each sender counts down once it sent a request that started a cache lifetime and a half
    // after the change: by then every copy read before the change has expired.
    var after = new CountDownLatch(4);
    long settle = SourceCache.LIFETIME.toNanos() * 3 / 2;
    try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 4; i++) {
        senders.submit(
            () -> {
              boolean counted = false;
              while (!stop.get()) {
                long started = System.nanoTime();
                var r = post(path(open));
                sent.add(
                    new Sent(
                        started,
                        r.status(),
                        r.headers().firstValue(Inbox.REQUEST_ID_HEADER).orElse(null)));
                warm.countDown();
                if (!counted && started - changedAt.get() > settle) {
                  counted = true;
                  after.countDown();
                }
              }
              return null;
            });
      }
      assertThat(warm.await(30, TimeUnit.SECONDS)).isTrue();
      // Another node gives the source the keyed one's verification (its sealed secret too).
      jdbc.sql(
              """
              UPDATE inbound_sources a
                 SET verification_type = k.verification_type, verification = k.verification,
                     sealed_secret = k.sealed_secret, version = a.version + 1
                FROM inbound_sources k
               WHERE a.id = :id AND k.id = :keyed
              """)
          .param("id", id)
          .param("keyed", UUID.fromString(keyed.get("id").asString()))
          .update();
      changedAt.set(System.nanoTime());
      assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
    }

    List<String> late = new ArrayList<>();
    for (Sent x : sent) {
      if (x.startedAt() > changedAt.get()) {
        assertThat(x.status()).as("a request sent after the change").isEqualTo(401);
        late.add(x.requestId());
      } else {
        assertThat(x.status()).isIn(202, 401);
      }
    }
    assertThat(late).isNotEmpty();
    assertThat(sent.stream().filter(x -> x.status() == 202)).hasSizeGreaterThanOrEqualTo(20);
    // What those requests stored: each rejected by the new verification, none accepted.
    List<String> kinds =
        jdbc.sql(
                """
                SELECT status || ' ' || (verification ->> 'type') FROM inbound_events
                 WHERE id = ANY (CAST(:ids AS uuid[]))
                """)
            .param("ids", late.stream().map(UUID::fromString).toArray(UUID[]::new))
            .query(String.class)
            .list();
    assertThat(kinds).hasSize(late.size()).containsOnly("rejected api_key");
    // Every request answered was stored: the ones handled again too.
    assertThat(stored(id)).isEqualTo(sent.size());
  }
}
