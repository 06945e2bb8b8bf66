package eu.runlater.bench.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fault battery (issue 17): Runlater server processes on one PostgreSQL, work through the
 * public API, faults injected, and the books settled against a sink that records every delivery.
 * Each scenario starts a fresh cluster, prints its figures, and ends with a one-line verdict; the
 * verdicts are repeated at the end and written to {@code <dir>/results.md}.
 *
 * <pre>
 * Battery [R1 R2 ...] [--scale 1.0] [--rate 100] [--heap 512m] [--jar server/target/runlater-server-exec.jar]
 *         [--dir bench/target/reliability]
 * </pre>
 *
 * {@code --scale} shrinks every size and duration (0.1 for a smoke run of a few minutes); {@code
 * --rate} is the offered load, items per second, of the scenarios that run under load.
 */
public final class Battery {
  static final List<String> ALL = List.of("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9");

  record Options(
      List<String> scenarios, double scale, double rate, String heap, Path jar, Path dir) {
    static Options parse(String[] args) {
      List<String> scenarios = new ArrayList<>();
      double scale = 1.0;
      double rate = 100;
      String heap = "512m";
      Path jar = Path.of("server/target/runlater-server-exec.jar");
      Path dir = Path.of("bench/target/reliability");
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--scale" -> scale = Double.parseDouble(args[++i]);
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--heap" -> heap = args[++i];
          case "--jar" -> jar = Path.of(args[++i]);
          case "--dir" -> dir = Path.of(args[++i]);
          default -> {
            String s = args[i].toUpperCase(Locale.ROOT);
            if (!ALL.contains(s)) {
              throw new IllegalArgumentException("unknown scenario or option: " + args[i]);
            }
            scenarios.add(s);
          }
        }
      }
      return new Options(scenarios.isEmpty() ? ALL : scenarios, scale, rate, heap, jar, dir);
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (!Files.exists(o.jar())) {
      throw new IllegalStateException(o.jar() + " is missing: build the server first");
    }
    Files.createDirectories(o.dir());
    System.out.printf(
        "Fault battery %s: scenarios %s, scale %.2f, offered load %.0f/s, node heap %s, %d cores, %s%n",
        Instant.now(),
        o.scenarios(),
        o.scale(),
        o.rate(),
        o.heap(),
        Runtime.getRuntime().availableProcessors(),
        o.jar());
    Map<String, String> verdicts = new LinkedHashMap<>();
    Scenarios scenarios = new Scenarios(o);
    for (String s : o.scenarios()) {
      System.out.printf("%n=== %s ===%n", s);
      long t0 = System.nanoTime();
      String verdict;
      try {
        verdict = scenarios.run(s);
      } catch (Exception e) {
        e.printStackTrace(System.out);
        verdict = "ERROR " + e;
      }
      verdict += " [%.0f s]".formatted((System.nanoTime() - t0) / 1e9);
      System.out.printf("%s: %s%n", s, verdict);
      verdicts.put(s, verdict);
    }
    scenarios.close();
    StringBuilder md = new StringBuilder();
    md.append("# Fault battery, ")
        .append(Instant.now())
        .append("\n\nscale %.2f, offered load %.0f/s%n%n".formatted(o.scale(), o.rate()));
    System.out.printf("%n=== summary ===%n");
    verdicts.forEach(
        (k, v) -> {
          System.out.printf("%s: %s%n", k, v);
          md.append("- ").append(k).append(": ").append(v).append('\n');
        });
    Files.writeString(o.dir().resolve("results.md"), md);
    System.exit(0);
  }

  private Battery() {}
}
