package eu.runlater.bench.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * R9: the nodes' database lives in a tablespace on a small tmpfs (needs root to mount it); the WAL
 * stays on the main disk, so PostgreSQL itself keeps running while its tables cannot grow. Under
 * load, a filler file takes the free space; probes record what the API answers while the space is
 * gone; the filler is removed and the books are settled.
 */
final class DiskFull extends Scenario {
  DiskFull(Scenarios s) {
    super(s);
  }

  @Override
  String run() throws Exception {
    Path space = dir("R9-space");
    Scenarios.deleteRecursively(space);
    Files.createDirectories(space);
    if (!sh("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", space.toString())) {
      return "SKIPPED: could not mount a tmpfs at " + space + " (needs root)";
    }
    try {
      Path location = space.resolve("pg");
      Files.createDirectories(location);
      try (Cluster c = cluster("R9", Cluster.Spec.of(3).tablespace(location))) {
        Load.createQueue(c, 30_000);
        Load load = new Load(c, seqs, 0, 30_000);
        int fullSeconds = 30;
        int seconds = 20 + fullSeconds + 40;
        System.out.printf(
            "  database in a tablespace on a 256 MB tmpfs; %d s of load at %.0f/s; after 20 s a"
                + " filler takes the free space for %d s%n",
            seconds, o.rate(), fullSeconds);
        Thread loadThread = load.steady(o.rate(), Duration.ofSeconds(seconds));
        Load.sleep(20_000);
        List<Scenarios.Probe> probes = Collections.synchronizedList(new ArrayList<>());
        Thread probe = probe(c, load, probes, fullSeconds + 20);
        Path filler = space.resolve("filler");
        long filled = fill(filler);
        long fullAt = System.nanoTime();
        System.out.printf("  filler: %,d MB written, the tmpfs is full%n", filled >> 20);
        Load.sleep(fullSeconds * 1000L);
        Files.delete(filler);
        long freedAt = System.nanoTime();
        probe.join();
        loadThread.join();
        long loadEnded = System.nanoTime();
        System.out.printf("  load ended; answers: %s%n", load.answersSummary());
        Accounting.Books b = Accounting.settle(c, load, loadEnded, Duration.ofSeconds(90));
        System.out.println("  " + b);
        Map<String, Integer> whileFull = new TreeMap<>();
        long slowest = 0;
        int retryAfter = 0;
        int refusals = 0;
        long firstOkAfterFree = -1;
        for (Scenarios.Probe p : probes) {
          if (p.atNanos() >= fullAt && p.atNanos() < freedAt) {
            whileFull.merge(p.status() + (p.type() == null ? "" : " " + p.type()), 1, Integer::sum);
            slowest = Math.max(slowest, p.millis());
            if (p.status() >= 500) {
              refusals++;
              if (p.retryAfter() != null) {
                retryAfter++;
              }
            }
          } else if (p.atNanos() >= freedAt && p.status() >= 200 && p.status() < 300) {
            if (firstOkAfterFree < 0 || p.atNanos() < firstOkAfterFree) {
              firstOkAfterFree = p.atNanos();
            }
          }
        }
        double resumed = firstOkAfterFree < 0 ? Double.NaN : (firstOkAfterFree - freedAt) / 1e9;
        System.out.printf(
            "  API while full: %s (slowest %d ms, Retry-After on %d of %d 5xx); first job accepted"
                + " %.1f s after the space was freed%n",
            whileFull, slowest, retryAfter, refusals, resumed);
        boolean clear503 =
            whileFull.keySet().stream().allMatch(k -> k.startsWith("503") || k.startsWith("2"));
        boolean pass =
            b.lost() == 0
                && clear503
                && retryAfter == refusals
                && b.stuckReady() + b.stuckRunning() + b.stuckMessages() == 0;
        return verdict(
            pass,
            ("API while the tablespace was full: %s, slowest %d ms; accepted %,d: lost %d, stuck %d;"
                    + " new work accepted again %.1f s after space was freed")
                .formatted(
                    whileFull,
                    slowest,
                    b.accepted(),
                    b.lost(),
                    b.stuckReady() + b.stuckRunning() + b.stuckMessages(),
                    resumed));
      }
    } finally {
      sh("umount", "-l", space.toString());
    }
  }

  /** Writes zeros until the file system refuses; the bytes written. */
  private static long fill(Path file) throws IOException {
    byte[] mb = new byte[1 << 20];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(mb);
        written += mb.length;
      }
    } catch (IOException full) {
      return written;
    }
  }

  private static boolean sh(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (!ok) {
        System.out.println("  " + String.join(" ", command) + ": " + out.strip());
      }
      return ok;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
