package eu.runlater.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** R5: target faults. */
final class TargetFaults extends Scenario {
  TargetFaults(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
    int timeoutMs = 3_000;
    int retries = 1;
    int perFault = 3;
    try (Cluster c = cluster("R5", Cluster.Spec.of(1));
        Targets targets = Targets.start()) {
      Node n = c.nodes.getFirst();
      Map<String, List<String>> jobIds = new java.util.LinkedHashMap<>();
      for (Targets.Fault f : targets.faults.values()) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perFault; i++) {
          Api.Answer a =
              c.api.send(
                  n.base(),
                  "POST",
                  "/api/v1/jobs",
                  Api.jobJson(f.name() + "-" + i, f.url(), "1s", null, timeoutMs, retries),
                  null);
          if (!a.ok()) {
            System.out.printf("  %s: job refused %d %s%n", f.name(), a.status(), a.body());
            continue;
          }
          ids.add(Api.field(a.body(), "id"));
        }
        jobIds.put(f.name(), ids);
      }
      System.out.printf(
          "  %d jobs per fault, timeout %d ms, retries %d; waiting for every one to end%n",
          perFault, timeoutMs, retries);
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      List<String> allIds = jobIds.values().stream().flatMap(List::stream).toList();
      String in = String.join(",", allIds.stream().map(i -> "'" + i + "'::uuid").toList());
      while (System.nanoTime() < deadline
          && c.db.queryLong(
                  "SELECT count(*) FROM executions WHERE final AND source_id IN (" + in + ")")
              < allIds.size()) {
        Load.sleep(1_000);
      }
      List<String> misses = new ArrayList<>();
      System.out.printf(
          "  %-26s %-8s %-9s %-20s %-14s %s%n",
          "fault", "attempts", "expected", "attempt ms (max)", "retry wait s", "outcome");
      for (var e : jobIds.entrySet()) {
        Targets.Fault f = targets.faults.get(e.getKey());
        int expected = f.retried() ? retries + 1 : 1;
        List<String> attemptCounts = new ArrayList<>();
        long maxMs = 0;
        double minWait = Double.NaN;
        String outcome = "";
        boolean ok = !e.getValue().isEmpty();
        for (String id : e.getValue()) {
          List<String> rows =
              c.db.queryStrings(
                  ("SELECT attempt || '|' || status || '|' || coalesce(status_code::text, '-') || '|'"
                          + " || coalesce(duration_us, -1) || '|' || final || '|'"
                          + " || coalesce(extract(epoch from started_at)::text, '') || '|'"
                          + " || coalesce(extract(epoch from finished_at)::text, '') || '|'"
                          + " || coalesce(left(error, 80), '')"
                          + " FROM executions WHERE source_id = '%s' ORDER BY attempt, created_at")
                      .formatted(id));
          int attempts = 0;
          double prevFinish = Double.NaN;
          for (String row : rows) {
            String[] p = row.split("\\|", -1);
            if (p[3].equals("-1")) {
              continue; // a record without an attempt (none expected here)
            }
            attempts++;
            long ms = Long.parseLong(p[3]) / 1000;
            maxMs = Math.max(maxMs, ms);
            if (!p[5].isEmpty() && !Double.isNaN(prevFinish)) {
              double wait = Double.parseDouble(p[5]) - prevFinish;
              minWait = Double.isNaN(minWait) ? wait : Math.min(minWait, wait);
            }
            prevFinish = p[6].isEmpty() ? Double.NaN : Double.parseDouble(p[6]);
            outcome = p[1] + " " + p[2] + (p[7].isEmpty() ? "" : " (" + p[7] + ")");
          }
          attemptCounts.add(Integer.toString(attempts));
          if (attempts != expected || rows.isEmpty()) {
            ok = false;
          }
        }
        if (maxMs > timeoutMs + 1_000) {
          ok = false;
        }
        if (f.retryAfterSeconds() != null && !(minWait >= f.retryAfterSeconds() - 0.1)) {
          ok = false;
        }
        if (!ok) {
          misses.add(f.name());
        }
        System.out.printf(
            "  %-26s %-8s %-9d %-20d %-14s %s%s%n",
            f.name(),
            String.join(",", attemptCounts),
            expected,
            maxMs,
            Double.isNaN(minWait) ? "-" : "%.1f".formatted(minWait),
            outcome,
            ok ? "" : "  <- MISS");
      }
      return verdict(
          misses.isEmpty(),
          "%d faults x %d jobs (timeout %d ms, retries %d): every attempt within timeout + 1 s and"
                  .formatted(targets.faults.size(), perFault, timeoutMs, retries)
              + " retried as documented"
              + (misses.isEmpty() ? "" : " except " + misses));
    }
  }
}
