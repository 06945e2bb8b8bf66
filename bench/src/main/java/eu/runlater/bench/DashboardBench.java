package eu.runlater.bench;

import eu.runlater.accounts.Users;
import eu.runlater.executions.BenchLiveFeed;
import eu.runlater.jobs.BenchJobs;
import eu.runlater.organizations.Members;
import eu.runlater.organizations.Role;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the dashboard costs as an organization's history grows: the latency of its pages, rendered
 * by the real server for a signed-in owner, and of one pass of the live feed (the per-second
 * fingerprint query), at a growing number of executions in the last 24 hours.
 *
 * <p>The organization has {@value #JOBS} enabled cron jobs (planned once a year, so none runs
 * during the measurement). Executions are inserted with SQL, spread over the last 23 hours, one in
 * twenty failed, each attributed to one of the jobs. Each page is fetched {@value #WARMUP} times
 * untimed and then {@value #SAMPLES} times one after another.
 */
final class DashboardBench {
  static final int JOBS = 1_000;
  static final List<Integer> SIZES = List.of(10_000, 100_000, 1_000_000);
  static final int WARMUP = 5;
  static final int SAMPLES = 30;
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final String PASSWORD = "bench-password-1";
  private static final Pattern LIVE_REFRESH =
      Pattern.compile("id=\"job-live\"[^>]* hx-get=\"([^\"]+)\"");

  /** The page or pass, and its latency in milliseconds. */
  record Timing(String what, Stats.Percentiles millis) {}

  private final BenchPostgres pg;
  private final Path dataDir;

  DashboardBench(BenchPostgres pg, Path dataDir) {
    this.pg = pg;
    this.dataDir = dataDir;
  }

  /** Timings at each size (cumulative executions in the last 24 h), in the order given. */
  Map<Integer, List<Timing>> run(List<Integer> sizes) throws Exception {
    Map<Integer, List<Timing>> out = new LinkedHashMap<>();
    try (BenchServer server = BenchServer.start(pg, dataDir, "dashboard")) {
      UUID org = server.organizationId();
      List<UUID> jobs = createJobs(server, org);
      Session session = signIn(server, org);
      BenchLiveFeed feed = new BenchLiveFeed(server.context());
      feed.watch(org);
      List<String> pages =
          List.of(
              "/",
              "/home/cards",
              "/home/recent",
              "/home/attention",
              "/jobs",
              "/jobs/" + jobs.getFirst(),
              "/jobs?health=failing");
      int inserted = 0;
      for (int size : sizes) {
        insertExecutions(server.database(), org, jobs, size - inserted);
        inserted = size;
        pg.execute(server.database(), "ANALYZE executions");
        List<Timing> timings = new ArrayList<>();
        for (String page : pages) {
          String label = page.replace(jobs.getFirst().toString(), "{id}");
          timings.add(new Timing("GET " + label, session.time(page, 200)));
        }
        // What an open job page costs on an event of another job: its live region asks with the
        // version it shows and gets 204.
        String refresh = liveRefresh(session.get("/jobs/" + jobs.getFirst()).body());
        timings.add(new Timing("GET /jobs/{id}?since= (no change)", session.time(refresh, 204)));
        timings.add(new Timing("live feed pass (1 org)", time(feed::pass)));
        out.put(size, timings);
        System.out.printf("  %,d executions in 24 h:%n", size);
        for (Timing t : timings) {
          System.out.printf(
              "    %-28s median %8s ms  p95 %8s ms%n",
              t.what(), Results.format(t.millis().p50()), Results.format(t.millis().p95()));
        }
      }
    }
    return out;
  }

  private static String liveRefresh(String body) {
    Matcher m = LIVE_REFRESH.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no live refresh on the job page");
    }
    return m.group(1).replace("&amp;", "&");
  }

  private static List<UUID> createJobs(BenchServer server, UUID org) {
    BenchJobs jobs = new BenchJobs(server.context());
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      ids.add(
          jobs.createCron(
              org,
              "nightly report " + i,
              "report-" + i,
              "https://example.com/reports/" + i,
              null,
              "0 3 1 1 *",
              "Europe/Oslo"));
    }
    return ids;
  }

  /**
   * Adds {@code n} executions over the last 23 hours (within today's and yesterday's partition).
   */
  private void insertExecutions(String database, UUID org, List<UUID> jobs, int n)
      throws Exception {
    String sql =
        """
        INSERT INTO executions (id, created_at, organization_id, task_id, source_kind, source_id,
                                attempt, status, final, scheduled_for, due_at, started_at,
                                finished_at, duration_us, status_code, request_url, request_method)
        SELECT gen_random_uuid(), t, ?, gen_random_uuid(), 'job', (?::uuid[])[1 + i % ?], 1,
               CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'success' END, true, t, t, t,
               t + interval '120 ms', 120000, CASE WHEN i % 20 = 0 THEN 500 ELSE 200 END,
               'https://example.com/reports/' || (i % ?), 'POST'
        FROM (SELECT i, now() - random() * interval '23 hours' AS t
              FROM generate_series(1, ?) i) g
        """;
    try (Connection c = pg.connect(database);
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, org);
      s.setArray(2, c.createArrayOf("uuid", jobs.toArray()));
      s.setInt(3, jobs.size());
      s.setInt(4, jobs.size());
      s.setInt(5, n);
      s.executeUpdate();
    }
  }

  static Stats.Percentiles time(Runnable work) {
    for (int i = 0; i < WARMUP; i++) {
      work.run();
    }
    double[] ms = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      long start = System.nanoTime();
      work.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    return Stats.Percentiles.of(ms);
  }

  /** An owner of the organization, signed in with a password, with it as the current one. */
  private static Session signIn(BenchServer server, UUID org) throws Exception {
    Users users = server.context().getBean(Users.class);
    String email = "owner@bench.example";
    UUID user = users.signUp(email, PASSWORD).user().id();
    users.confirm(user); // as opening the mailed link would: a password signs in only then
    server.context().getBean(Members.class).add(org, user, Role.OWNER);
    Session session = new Session(server.base());
    session.post("/login", Map.of("email", email, "password", PASSWORD), "/login");
    session.post("/organizations/switch", Map.of("organization", org.toString()), "/");
    return session;
  }

  /** A browser's cookie jar and CSRF token, without redirects followed. */
  static final class Session {
    private final URI base;
    private final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    Session(URI base) {
      this.base = base;
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a form with the CSRF token of the page {@code from}; fails unless redirected. */
    void post(String path, Map<String, String> form, String from) throws Exception {
      Matcher m = CSRF.matcher(get(from).body());
      if (!m.find()) {
        throw new IllegalStateException("no CSRF token on " + from);
      }
      Map<String, String> fields = new LinkedHashMap<>(form);
      fields.put("_csrf", m.group(1));
      String body =
          fields.entrySet().stream()
              .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
              .collect(Collectors.joining("&"));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String location = r.headers().firstValue("Location").orElse("");
      if (r.statusCode() != 302 || location.contains("/login")) {
        throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + location);
      }
    }

    /** Latency of a page that must answer {@code status}. */
    Stats.Percentiles time(String path, int status) {
      return DashboardBench.time(
          () -> {
            try {
              HttpResponse<String> r = get(path);
              if (r.statusCode() != status) {
                throw new IllegalStateException("GET " + path + ": " + r.statusCode());
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}
