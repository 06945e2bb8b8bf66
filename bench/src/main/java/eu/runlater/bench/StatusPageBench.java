package eu.runlater.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * A public status page under load: one server on a fresh database, a page of {@value #COMPONENTS}
 * components in four groups (half of them jobs, one failing) with five incidents of three updates
 * each, fetched by {@code --clients} closed-loop clients over HTTP/1.1 keep-alive for {@code
 * --seconds}, accepting gzip as browsers do: requests per second, latency percentiles, CPU, and the
 * database transactions the phase cost (the page is served from the per-node cache: a rebuild per
 * TTL, not per request). Phases: {@code GET /health} (a database query per request, in the same
 * run), the HTML page, its JSON, and the HTML with {@code If-None-Match} (304s).
 *
 * <pre>bench/status.sh [--clients 32] [--seconds 20]</pre>
 */
public final class StatusPageBench {
  static final int COMPONENTS = 20;

  record Phase(
      String what,
      double perSecond,
      Stats.Percentiles millis,
      long errors,
      long transactions,
      CpuMeter.Usage cpu) {}

  public static void main(String[] args) throws Exception {
    int clients = 32;
    int seconds = 20;
    Path dir = Path.of("bench/target/status-bench");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(dir);
    try (BenchPostgres pg = BenchPostgres.start(dir.resolve("pg"), false);
        BenchServer server = BenchServer.start(pg, dir, "status");
        Connection db = pg.connect(server.database())) {
      String slug = "bench-status";
      seed(db, server.organizationId(), slug);
      CpuMeter cpu = new CpuMeter(pg.postmasterPid());
      URI page = server.base().resolve("/status/" + slug);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> first =
          client.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
      System.out.printf(
          "status page: %,d bytes of HTML, %d components, %d clients, %d s per phase%n",
          first.body().length(), COMPONENTS, clients, seconds);
      List<Phase> phases = new ArrayList<>();
      // Beside it in the same run: the same clients on GET /health, which asks the database each
      // time.
      phases.add(
          drive(
              "GET /health (a database query per request)",
              server.base().resolve("/health"),
              null,
              200,
              clients,
              seconds,
              cpu,
              db));
      phases.add(drive("GET /status/{slug} (HTML)", page, null, 200, clients, seconds, cpu, db));
      phases.add(
          drive(
              "GET /status/{slug}.json",
              server.base().resolve("/status/" + slug + ".json"),
              null,
              200,
              clients,
              seconds,
              cpu,
              db));
      String etag =
          client
              .send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding())
              .headers()
              .firstValue("ETag")
              .orElseThrow();
      phases.add(
          drive(
              "GET /status/{slug} If-None-Match (304)",
              page,
              etag,
              304,
              clients,
              seconds,
              cpu,
              db));
      System.out.println();
      System.out.println(
          "| phase | requests/s | p50 ms | p99 ms | errors | DB transactions | CPU JVM | CPU PostgreSQL | CPU machine |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Phase p : phases) {
        System.out.printf(
            "| %s | %,.0f | %s | %s | %d | %,d | %.2f | %.2f | %.2f |%n",
            p.what(),
            p.perSecond(),
            Results.format(p.millis().p50()),
            Results.format(p.millis().p99()),
            p.errors(),
            p.transactions(),
            p.cpu().jvm(),
            p.cpu().postgres(),
            p.cpu().machine());
      }
    }
  }

  private static Phase drive(
      String what,
      URI uri,
      String etag,
      int expected,
      int clients,
      int seconds,
      CpuMeter cpu,
      Connection db)
      throws Exception {
    // As a browser asks: gzip accepted (the page is kept compressed; the body is not unpacked
    // here).
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Accept-Encoding", "gzip");
    if (etag != null) {
      b.header("If-None-Match", etag);
    }
    HttpRequest request = b.build();
    Duration warmup = Duration.ofSeconds(3);
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long end = measureFrom + Duration.ofSeconds(seconds).toNanos();
    LongAdder ok = new LongAdder();
    LongAdder errors = new LongAdder();
    List<double[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long[] tx = new long[1];
    CpuMeter.Sample before;
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < clients; i++) {
        double[] mine = new double[400_000];
        latencies.add(mine);
        int slot = i;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      int n = 0;
                      long start;
                      while ((start = System.nanoTime()) < end) {
                        int status;
                        try {
                          status =
                              client
                                  .send(request, HttpResponse.BodyHandlers.ofByteArray())
                                  .statusCode();
                        } catch (Exception e) {
                          status = -1;
                        }
                        if (start < measureFrom) {
                          continue;
                        }
                        if (status == expected) {
                          ok.increment();
                          if (n < mine.length) {
                            mine[n++] = (System.nanoTime() - start) / 1e6;
                          }
                        } else {
                          errors.increment();
                        }
                      }
                      latencies.set(slot, Arrays.copyOf(mine, n));
                    }));
      }
      Thread.sleep(warmup);
      before = cpu.sample();
      tx[0] = transactions(db);
      for (Thread t : threads) {
        t.join();
      }
    }
    CpuMeter.Sample after = cpu.sample();
    long transactions = transactions(db) - tx[0];
    double[] all = latencies.stream().flatMapToDouble(Arrays::stream).toArray();
    Phase p =
        new Phase(
            what,
            ok.sum() / (double) seconds,
            Stats.Percentiles.of(all),
            errors.sum(),
            transactions,
            CpuMeter.between(before, after));
    System.out.printf(
        "  %-40s %,8.0f req/s  p50 %s ms  p99 %s ms  errors %d  db transactions %,d  cpu %s%n",
        what,
        p.perSecond(),
        Results.format(p.millis().p50()),
        Results.format(p.millis().p99()),
        p.errors(),
        transactions,
        p.cpu());
    return p;
  }

  /** Committed transactions of the whole cluster so far (the server's background loops too). */
  private static long transactions(Connection db) throws Exception {
    try (PreparedStatement s =
            db.prepareStatement("SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void seed(Connection db, UUID org, String slug) throws Exception {
    UUID page = UUID.randomUUID();
    exec(
        db,
        "INSERT INTO status_pages (id, organization_id, slug, title, description, created_at,"
            + " updated_at) VALUES (?, ?, ?, 'Bench Cloud', 'Everything we run.',"
            + " now() - interval '120 days', now())",
        page,
        org,
        slug);
    List<UUID> components = new ArrayList<>();
    for (int i = 0; i < COMPONENTS; i++) {
      UUID id = UUID.randomUUID();
      components.add(id);
      boolean job = i % 2 == 1;
      UUID subject = job ? UUID.randomUUID() : null;
      exec(
          db,
          "INSERT INTO status_components (id, page_id, group_name, name, kind, subject_id,"
              + " position) VALUES (?, ?, ?, ?, ?, ?, ?)",
          id,
          page,
          "Group " + (i % 4),
          "Component " + i,
          job ? "job" : "manual",
          subject,
          i);
      if (i == 1) {
        exec(
            db,
            "INSERT INTO alert_incidents (id, organization_id, subject_kind, subject_id,"
                + " condition, state, first_failure_at, last_failure_at, opened_at, closed_at)"
                + " VALUES (?, ?, 'job', ?, 'failing', 'closed', now() - interval '3 days',"
                + " now() - interval '3 days', now() - interval '3 days',"
                + " now() - interval '2 days')",
            UUID.randomUUID(),
            org,
            subject);
      }
    }
    for (int i = 0; i < 5; i++) {
      UUID incident = UUID.randomUUID();
      exec(
          db,
          "INSERT INTO status_incidents (id, organization_id, kind, title, impact, status,"
              + " created_at, updated_at, resolved_at) VALUES (?, ?, 'incident', ?, 'major',"
              + " 'resolved', now() - (? || ' days')::interval, now() - (? || ' days')::interval,"
              + " now() - (? || ' days')::interval + interval '2 hours')",
          incident,
          org,
          "Incident " + i,
          String.valueOf(i * 7 + 1),
          String.valueOf(i * 7 + 1),
          String.valueOf(i * 7 + 1));
      exec(
          db,
          "INSERT INTO status_incident_components VALUES (?, ?)",
          incident,
          components.get(i * 3));
      for (String status : List.of("investigating", "identified", "resolved")) {
        exec(
            db,
            "INSERT INTO status_incident_updates (id, incident_id, status, body, created_at)"
                + " VALUES (?, ?, ?, 'We looked into it and here is what we found out so far.',"
                + " now() - interval '1 day')",
            UUID.randomUUID(),
            incident,
            status);
      }
    }
  }

  private static void exec(Connection db, String sql, Object... params) throws Exception {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      s.executeUpdate();
    }
  }
}
