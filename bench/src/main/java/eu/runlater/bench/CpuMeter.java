package eu.runlater.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the machine's CPU went during a phase: this JVM (driver, sink, engine, HTTP clients), the
 * PostgreSQL processes, and the machine as a whole, all in cores (2.0 = both cores busy), with the
 * kernel's share (system time: loopback TCP, fsync, scheduling) apart.
 *
 * <p>PostgreSQL's time is the postmaster's own and its reaped children's ({@code cutime}) plus
 * every live child's, read from {@code /proc}; Linux counts in clock ticks of 1/100 s.
 */
final class CpuMeter {
  private static final double TICK_NANOS = 10_000_000.0;

  private final long postmasterPid;
  private final long selfPid = ProcessHandle.current().pid();

  CpuMeter(long postmasterPid) {
    this.postmasterPid = postmasterPid;
  }

  record Sample(
      long wallNanos,
      long jvmUser,
      long jvmSys,
      long pgUser,
      long pgSys,
      long machineTicks,
      long idleTicks) {}

  /** Cores used on average between two samples. */
  record Usage(double jvm, double jvmSys, double postgres, double postgresSys, double machine) {
    /** Everything else on the machine: other processes and the kernel's own work. */
    double others() {
      return Math.max(0, machine - jvm - postgres);
    }

    /**
     * This usage with {@code cores} of a process the benchmark started itself (a server as its own
     * process) counted as its JVM's, so that "others" is the rest of the machine and a measurement
     * is not taken as disturbed by its own server.
     */
    Usage withOwnProcess(double cores) {
      return new Usage(jvm + cores, jvmSys, postgres, postgresSys, machine);
    }

    @Override
    public String toString() {
      return ("cpu cores: jvm %.2f (kernel %.2f), postgres %.2f (kernel %.2f), others %.2f,"
              + " machine %.2f of %d")
          .formatted(
              jvm,
              jvmSys,
              postgres,
              postgresSys,
              others(),
              machine,
              Runtime.getRuntime().availableProcessors());
    }
  }

  Sample sample() {
    long[] machine = machineTicks();
    long[] self = stat(Path.of("/proc", Long.toString(selfPid)));
    long[] pg = postgresTicks();
    return new Sample(
        System.nanoTime(),
        self == null ? 0 : self[1],
        self == null ? 0 : self[2],
        pg[0],
        pg[1],
        machine[0],
        machine[1]);
  }

  static Usage between(Sample a, Sample b) {
    double wall = b.wallNanos() - a.wallNanos();
    double cores = Runtime.getRuntime().availableProcessors();
    double machineTicks = b.machineTicks() - a.machineTicks();
    double busy = machineTicks - (b.idleTicks() - a.idleTicks());
    double jvmSys = (b.jvmSys() - a.jvmSys()) * TICK_NANOS / wall;
    double pgSys = (b.pgSys() - a.pgSys()) * TICK_NANOS / wall;
    return new Usage(
        (b.jvmUser() - a.jvmUser()) * TICK_NANOS / wall + jvmSys,
        jvmSys,
        (b.pgUser() - a.pgUser()) * TICK_NANOS / wall + pgSys,
        pgSys,
        machineTicks == 0 ? 0 : busy / machineTicks * cores);
  }

  /**
   * Waits (up to {@code patience}) until the rest of the machine uses less than {@code maxCores}
   * over a one-second window, so a phase does not start while another process (a build) runs.
   * Returns the last window's figure.
   */
  double awaitQuiet(double maxCores, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    boolean told = false;
    while (true) {
      Sample a = sample();
      Thread.sleep(1_000);
      double others = between(a, sample()).others();
      if (others < maxCores || System.nanoTime() > deadline) {
        if (others >= maxCores) {
          System.out.printf("  WARNING: other processes still use %.2f cores; going on%n", others);
        }
        return others;
      }
      if (!told) {
        System.out.printf("  (other processes use %.2f cores; waiting for quiet)%n", others);
        told = true;
      }
    }
  }

  /** User and system ticks of the postmaster and all its children, living and reaped. */
  private long[] postgresTicks() {
    long user = 0;
    long sys = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        long[] stat = stat(proc);
        if (stat == null) {
          continue;
        }
        long pid = Long.parseLong(proc.getFileName().toString());
        if (pid == postmasterPid) {
          user += stat[1] + stat[3];
          sys += stat[2] + stat[4];
        } else if (stat[0] == postmasterPid) {
          user += stat[1];
          sys += stat[2];
        }
      }
    } catch (IOException e) {
      return new long[] {0, 0};
    }
    return new long[] {user, sys};
  }

  /** CPU seconds (user and kernel) another process has used so far; 0 once it is gone. */
  static double cpuSeconds(long pid) {
    long[] s = stat(Path.of("/proc", Long.toString(pid)));
    return s == null ? 0 : (s[1] + s[2]) * TICK_NANOS / 1e9;
  }

  /** ppid, utime, stime, cutime, cstime; null if the process is gone. */
  private static long[] stat(Path proc) {
    String line;
    try {
      line = Files.readString(proc.resolve("stat"));
    } catch (IOException gone) {
      return null;
    }
    // The command name is in parentheses and may hold spaces: count fields after the last ')'.
    String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return new long[] {
      Long.parseLong(f[1]),
      Long.parseLong(f[11]),
      Long.parseLong(f[12]),
      Long.parseLong(f[13]),
      Long.parseLong(f[14])
    };
  }

  /** Total and idle (idle + iowait) ticks of all CPUs. */
  private static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException e) {
      return new long[] {0, 0};
    }
  }
}
