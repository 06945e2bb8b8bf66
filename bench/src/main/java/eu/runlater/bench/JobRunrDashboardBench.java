package eu.runlater.bench;

import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.dashboard.JobRunrDashboardWebServerConfiguration;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.navigation.OffsetBasedPageRequest;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.gson.GsonJsonMapper;

/**
 * The peer for {@link DashboardBench}: JobRunr's own dashboard (a JVM library, like Runlater's) on
 * PostgreSQL in the same embedded server, asked the same questions at the same history sizes.
 *
 * <p>JobRunr keeps one row per job in {@code jobrunr_jobs}, its dashboard lists them by state
 * ({@code /api/jobs?state=…}, newest first, 20 a page, with the total), lists recurring jobs, and
 * shows counters from the {@code jobrunr_jobs_stats} view ({@link StorageProvider#getJobStats()},
 * pushed to open dashboards over server-sent events). Its background server runs as it would in an
 * application, with {@value DashboardBench#JOBS} recurring jobs planned once a year. Finished jobs
 * are copied with SQL from two real ones (one succeeded, one failed), spread over the last 23
 * hours, one in twenty failed — the mix {@link DashboardBench} gives Runlater's executions.
 */
final class JobRunrDashboardBench {
  private final BenchPostgres pg;
  private final HttpClient http = HttpClient.newHttpClient();

  JobRunrDashboardBench(BenchPostgres pg) {
    this.pg = pg;
  }

  Map<Integer, List<DashboardBench.Timing>> run(List<Integer> sizes) throws Exception {
    Map<Integer, List<DashboardBench.Timing>> out = new LinkedHashMap<>();
    String database = pg.freshDatabase("jobrunr_dashboard");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (HikariDataSource pool = pg.pool(database, 10, "jobrunr-dashboard")) {
      StorageProvider storage = new PostgresStorageProvider(pool);
      JobRunr.configure()
          .useJsonMapper(new GsonJsonMapper())
          .useStorageProvider(storage)
          .useBackgroundJobServer(
              BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                  .andWorkerCount(2))
          .useDashboard(
              JobRunrDashboardWebServerConfiguration.usingStandardDashboardConfiguration()
                  .andPort(port))
          .initialize();
      try {
        UUID succeeded = BackgroundJob.enqueue(() -> JobRunrWork.report(0)).asUUID();
        UUID failed = BackgroundJob.enqueue(() -> JobRunrWork.failingReport(0)).asUUID();
        awaitState(storage, succeeded, StateName.SUCCEEDED);
        awaitState(storage, failed, StateName.FAILED);
        for (int i = 0; i < DashboardBench.JOBS; i++) {
          int n = i;
          BackgroundJob.scheduleRecurrently(
              "report-" + i, "0 3 1 1 *", () -> JobRunrWork.report(n));
        }
        URI base = URI.create("http://localhost:" + port);
        List<String> calls =
            List.of(
                "/api/version",
                "/api/jobs?state=SUCCEEDED&offset=0&limit=20&order=updatedAt:DESC",
                "/api/jobs?state=FAILED&offset=0&limit=20&order=updatedAt:DESC",
                "/api/recurring-jobs?offset=0&limit=20");
        int inserted = 0;
        for (int size : sizes) {
          copyJobs(database, succeeded, failed, size - inserted);
          inserted = size;
          pg.execute(database, "ANALYZE jobrunr_jobs");
          List<DashboardBench.Timing> timings = new ArrayList<>();
          for (String call : calls) {
            timings.add(new DashboardBench.Timing("GET " + call, time(base.resolve(call))));
          }
          // The same answers from the storage provider directly: what the pages cost without
          // JobRunr's HTTP server (see /api/version for the cost of that alone).
          OffsetBasedPageRequest newest = new OffsetBasedPageRequest("updatedAt:DESC", 0, 20);
          timings.add(
              new DashboardBench.Timing(
                  "storage: newest 20 succeeded, with total",
                  DashboardBench.time(() -> storage.getJobs(StateName.SUCCEEDED, newest))));
          timings.add(
              new DashboardBench.Timing(
                  "storage: recurring jobs", DashboardBench.time(storage::getRecurringJobs)));
          timings.add(
              new DashboardBench.Timing(
                  "job stats (counters)", DashboardBench.time(storage::getJobStats)));
          out.put(size, timings);
          System.out.printf("  JobRunr, %,d finished jobs in 24 h:%n", size);
          for (DashboardBench.Timing t : timings) {
            System.out.printf(
                "    %-70s median %8s ms  p95 %8s ms%n",
                t.what(), Results.format(t.millis().p50()), Results.format(t.millis().p95()));
          }
        }
      } finally {
        JobRunr.destroy();
      }
    } finally {
      pg.drop(database);
    }
    return out;
  }

  private static void awaitState(StorageProvider storage, UUID id, StateName state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (storage.getJobById(id).getState() != state) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "JobRunr job " + id + " is " + storage.getJobById(id).getState() + ", not " + state);
      }
      Thread.sleep(100);
    }
  }

  /** Adds {@code n} copies of the two finished jobs, updated over the last 23 hours. */
  private void copyJobs(String database, UUID succeeded, UUID failed, int n) throws Exception {
    String sql =
        """
        INSERT INTO jobrunr_jobs (id, version, jobAsJson, jobSignature, state, createdAt,
                                  updatedAt, scheduledAt, recurringJobId)
        SELECT g.id, t.version, replace(t.jobAsJson, t.id, g.id), t.jobSignature, t.state,
               g.at, g.at, t.scheduledAt, t.recurringJobId
        FROM (SELECT i, gen_random_uuid()::text AS id,
                     (now() AT TIME ZONE 'UTC') - random() * interval '23 hours' AS at
              FROM generate_series(1, ?) i) g
        JOIN jobrunr_jobs t ON t.id = CASE WHEN g.i % 20 = 0 THEN ? ELSE ? END
        """;
    try (Connection c = pg.connect(database);
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, n);
      s.setString(2, failed.toString());
      s.setString(3, succeeded.toString());
      s.executeUpdate();
    }
  }

  private Stats.Percentiles time(URI uri) {
    return DashboardBench.time(
        () -> {
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              throw new IllegalStateException("GET " + uri + ": " + r.statusCode());
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
