package eu.runlater.bench.reliability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * R1 to R9 of issue 17, one class each ({@link NoFaults}, {@link Kills}, {@link PostgresRestarts},
 * {@link DatabaseCut}, {@link TargetFaults}, {@link RollingStop}, {@link SameKeys}, {@link
 * ClockSkew}, {@link DiskFull}); each returns its one-line verdict. This class holds what they
 * share: the options, the item numbers, the plain cluster and the outage probe.
 */
final class Scenarios {
  private final Battery.Options o;
  private final AtomicLong seqs = new AtomicLong();

  Scenarios(Battery.Options o) {
    this.o = o;
  }

  String run(String name) throws Exception {
    return switch (name) {
      case "R1" -> new NoFaults(this).run();
      case "R2" -> new Kills(this).run();
      case "R3" -> new PostgresRestarts(this).run();
      case "R4" -> new DatabaseCut(this).run();
      case "R5" -> new TargetFaults(this).run();
      case "R6" -> new RollingStop(this).run();
      case "R7" -> new SameKeys(this).run();
      case "R8" -> new ClockSkew(this).run();
      case "R9" -> new DiskFull(this).run();
      default -> throw new IllegalArgumentException(name);
    };
  }

  Battery.Options options() {
    return o;
  }

  /** Numbers the items of every scenario's load, so no two share one. */
  AtomicLong seqs() {
    return seqs;
  }

  /** The directory of a scenario's nodes, logs and figures. */
  Path dir(String scenario) {
    return o.dir().resolve(scenario.toLowerCase()).toAbsolutePath();
  }

  /** The plain 3-node cluster, started once and shared by R1, R2, R3, R6 and R7. */
  private Cluster standard;

  Cluster standard() throws Exception {
    if (standard == null) {
      standard = cluster("shared", Cluster.Spec.of(3)).shared();
    } else {
      standard.ready();
    }
    return standard;
  }

  void close() throws java.io.IOException {
    if (standard != null) {
      standard.closeNow();
    }
  }

  /** A cluster of its own for {@code scenario}, in a fresh directory. */
  Cluster cluster(String scenario, Cluster.Spec spec) throws Exception {
    Path d = dir(scenario);
    deleteRecursively(d);
    return Cluster.start(d, o.jar().toAbsolutePath(), spec, o.heap());
  }

  /** {@code full} scaled by {@code --scale}, at least {@code min}. */
  int scaled(int full, int min) {
    return Math.max(min, (int) Math.round(full * o.scale()));
  }

  static String verdict(boolean pass, String figures) {
    return (pass ? "PASS " : "MISS ") + figures;
  }

  /** A probe's view of one API request during an outage (R3, R9). */
  record Probe(
      int status, long millis, String retryAfter, String error, long atNanos, String type) {}

  /**
   * Creates a job on a random node every 250 ms for {@code seconds}, once each (no retry), and
   * records the answer; an acknowledged job joins the load's books, so it must be delivered.
   */
  Thread probe(Cluster c, Load load, List<Probe> probes, int seconds) {
    return Thread.ofPlatform()
        .start(
            () -> {
              long end = System.nanoTime() + seconds * 1_000_000_000L;
              List<Thread> inFlight = new ArrayList<>();
              while (System.nanoTime() < end) {
                long seq = seqs.incrementAndGet();
                Node n = c.random();
                inFlight.add(
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              Api.Answer a =
                                  c.api.send(
                                      n.base(),
                                      "POST",
                                      "/api/v1/jobs",
                                      Api.jobJson(
                                          "probe" + seq,
                                          c.ledger.url(seq, 0),
                                          "1s",
                                          null,
                                          30_000,
                                          5),
                                      null);
                              probes.add(
                                  new Probe(
                                      a.status(),
                                      a.millis(),
                                      a.retryAfter(),
                                      a.error(),
                                      System.nanoTime(),
                                      Api.field(a.body(), "type")));
                              if (a.ok()) {
                                load.accepted.add(seq);
                              }
                            }));
                Load.sleep(250);
              }
              for (Thread t : inFlight) {
                try {
                  t.join();
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  static void deleteRecursively(Path p) throws java.io.IOException {
    if (!java.nio.file.Files.exists(p)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(q);
      }
    }
  }
}
