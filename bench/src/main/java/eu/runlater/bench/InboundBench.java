package eu.runlater.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inbound webhooks through the hosted endpoint, on the real server started in this JVM (the queue
 * phase's {@link QueueBench.Session}):
 *
 * <ul>
 *   <li><b>ingest</b>: {@code concurrency} virtual threads each POSTing a small JSON webhook to a
 *       source's {@code /in/<token>} with no connection; a 202 means the request is stored. Beside
 *       it, the same threads on {@code GET /health}: the HTTP ceiling of the same server.
 *   <li><b>receive → forward</b>: webhooks sent at a fixed rate (half the ingest rate just
 *       measured) to a source with one connection to the sink; for each, its forward's delivery
 *       start minus the time the request was stored, from the execution history.
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

  /** Webhooks to a source without connections: requests stored and acknowledged per second. */
  QueueBench.Rate ingest(QueueBench.Session s, Duration warmup, Duration measure) throws Exception {
    HttpRequest request = webhook(source(s, "ingest"));
    return queues.drive(concurrency, warmup, measure, null, () -> s.send(request) == 202 ? 1 : -1);
  }

  /**
   * Webhooks at {@code rate} per second (open loop) for {@code feed} after {@code warmup}, to a
   * source forwarding each to the sink; the time from stored to the forward's delivery start.
   */
  Forwarding forwarding(QueueBench.Session s, double rate, Duration feed, Duration warmup)
      throws Exception {
    Source source = source(s, "forward");
    send(
        s,
        "/api/v1/connections",
        """
        {"source_id": "%s", "name": "sink", "destination_url": "%s"}"""
            .formatted(source.id(), sink.uri()));
    HttpRequest request = webhook(source);
    OpenLoop.Window w = OpenLoop.run(rate, warmup, feed, cpu, () -> s.send(request) == 202);
    String forwarded =
        """
        FROM inbound_events ev
        JOIN inbound_forwards f ON f.event_id = ev.id
        JOIN executions e ON e.source_kind = 'inbound' AND e.source_id = f.id
        WHERE ev.source_id = '%s' AND ev.received_at >= ? AND e.started_at IS NOT NULL
        """
            .formatted(source.id());
    long expected = w.calls() - w.refused();
    long got =
        QueueBench.awaitCount(
            s.monitor,
            "SELECT count(*) " + forwarded,
            expected,
            ps -> ps.setObject(1, QueueBench.at(w.start())));
    double[] latency =
        QueueBench.doubles(
            s.monitor,
            "SELECT extract(epoch FROM e.started_at - ev.received_at) * 1000 " + forwarded,
            w.start());
    return new Forwarding(
        w.offered(), Stats.Percentiles.of(latency), expected - got, w.refused(), w.cpu());
  }
}
