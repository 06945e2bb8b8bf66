package eu.runlater.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inbound webhooks through the hosted endpoint, on the real server started in this JVM (the queue
 * phase's {@link QueueBench.Session}):
 *
 * <ul>
 *   <li><b>ingest</b>: {@code concurrency} virtual threads each POSTing a small JSON webhook to the
 *       {@code /in/<token>} of eight sources in turn (one source is held to its tier's rate), none
 *       with a connection; a 202 means the request is stored. Beside it, the same threads on {@code
 *       GET /health}: the HTTP ceiling of the same server.
 *   <li><b>receive → forward</b>: webhooks sent at a fixed rate (half the ingest rate just
 *       measured) to eight sources in turn, each with one connection to the sink; for each, its
 *       forward's delivery start minus the time the request was stored, from the execution history.
 * </ul>
 */
final class InboundBench {
  private static final Pattern TOKEN = Pattern.compile("\"url\"\\s*:\\s*\"[^\"]*(/in/[^\"]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final byte[] WEBHOOK =
      """
      {"id": "evt_bench", "type": "invoice.paid", "data": {"object": {"amount_paid": 2000}}}"""
          .getBytes(StandardCharsets.UTF_8);

  private final QueueBench queues;
  private final Sink sink;
  private final CpuMeter cpu;
  private final int concurrency;

  InboundBench(QueueBench queues, Sink sink, CpuMeter cpu, int concurrency) {
    this.queues = queues;
    this.sink = sink;
    this.cpu = cpu;
    this.concurrency = concurrency;
  }

  /** Receive → forward latency at an offered rate. */
  record Forwarding(
      double offered, Stats.Percentiles latency, long missing, long refused, CpuMeter.Usage cpu)
      implements Measured {}

  /** A source (its hosted path and id) with a rate limit nothing in the run reaches. */
  private record Source(String id, URI hosted) {}

  private static Source source(QueueBench.Session s, String name) {
    String body =
        send(
            s,
            "/api/v1/sources",
            """
            {"name": "%s", "rate_limit": {"requests": 100000, "per_seconds": 1}}"""
                .formatted(name));
    Matcher token = TOKEN.matcher(body);
    Matcher id = ID.matcher(body);
    if (!token.find() || !id.find()) {
      throw new IllegalStateException("POST /api/v1/sources answered " + body);
    }
    return new Source(id.group(1), s.server.base().resolve(token.group(1)));
  }

  private static String send(QueueBench.Session s, String path, String json) {
    try {
      HttpResponse<String> response =
          s.client.send(
              s.request(path).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException(
            "POST " + path + " answered " + response.statusCode() + " " + response.body());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest webhook(Source source) {
    return HttpRequest.newBuilder(source.hosted())
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(WEBHOOK))
        .build();
  }

  /**
   * How many sources the ingest spreads over: one source takes at most its tier's rate (1,000 a
   * second on Pro), a product limit this phase is not about.
   */
  private static final int INGEST_SOURCES = 8;

  /** Webhooks to sources without connections: requests stored and acknowledged per second. */
  QueueBench.Rate ingest(QueueBench.Session s, Duration warmup, Duration measure) throws Exception {
    HttpRequest[] requests = new HttpRequest[INGEST_SOURCES];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = webhook(source(s, "ingest-" + i));
    }
    AtomicInteger next = new AtomicInteger();
    return queues.drive(
        concurrency,
        warmup,
        measure,
        null,
        () -> s.send(requests[next.getAndIncrement() & (INGEST_SOURCES - 1)]) == 202 ? 1 : -1);
  }

  /**
   * Webhooks at {@code rate} per second (open loop) for {@code feed} after {@code warmup}, to
   * sources (in turn, as the ingest does) that each forward to the sink; the time from stored to
   * the forward's delivery start.
   */
  Forwarding forwarding(QueueBench.Session s, double rate, Duration feed, Duration warmup)
      throws Exception {
    HttpRequest[] requests = new HttpRequest[INGEST_SOURCES];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < requests.length; i++) {
      Source source = source(s, "forward-" + i);
      send(
          s,
          "/api/v1/connections",
          """
          {"source_id": "%s", "name": "sink", "destination_url": "%s"}"""
              .formatted(source.id(), sink.uri()));
      requests[i] = webhook(source);
      ids.add("'" + source.id() + "'");
    }
    AtomicInteger next = new AtomicInteger();
    OpenLoop.Window w =
        OpenLoop.run(
            rate,
            warmup,
            feed,
            cpu,
            () -> s.send(requests[next.getAndIncrement() & (INGEST_SOURCES - 1)]) == 202);
    String forwarded =
        """
        FROM inbound_events ev
        JOIN inbound_forwards f ON f.event_id = ev.id
        JOIN executions e ON e.source_kind = 'inbound' AND e.source_id = f.id
        WHERE ev.source_id IN (%s) AND ev.received_at >= ? AND e.started_at IS NOT NULL
        """
            .formatted(String.join(", ", ids));
    long expected = w.calls() - w.refused();
    long got =
        QueueBench.awaitCount(
            s.monitor,
            "SELECT count(DISTINCT f.id) " + forwarded,
            expected,
            ps -> ps.setObject(1, QueueBench.at(w.start())));
    double[] latency =
        QueueBench.doubles(
            s.monitor,
            // A forward's first attempt (a saturated destination makes retries: those are not
            // the receive -> forward time).
            "SELECT extract(epoch FROM min(e.started_at) - min(ev.received_at)) * 1000 "
                + forwarded
                + " GROUP BY f.id",
            w.start());
    return new Forwarding(
        w.offered(), Stats.Percentiles.of(latency), expected - got, w.refused(), w.cpu());
  }
}
