package eu.runlater.platform;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Runs the JIT's optimising compiler (C2) at the lowest CPU priority (nice 19) while the server
 * starts, and at the process's own priority again once it is ready. On two cores a restart's C2
 * compiled for as much CPU as the main thread ran (2.7 s against 2.0 s), on the main thread's time:
 * main then waited runnable for about as long as it ran. At nice 19, C2 takes what the main thread,
 * C1 and the embedded PostgreSQL leave idle, and its queue (methods already running C1 code) is
 * worked off after the start, when the node is ready. C1, the garbage collector and every other
 * thread keep their priority.
 *
 * <p>Only where the priority can be put back: Linux ({@code /proc/self/task}), and a process
 * allowed to lower a nice value ({@code CAP_SYS_NICE}, as root has it outside a container, or a
 * {@code RLIMIT_NICE} that permits it). Elsewhere nothing changes: a C2 left at nice 19 would make
 * peak speed wait behind every busy thread for the node's life. {@code
 * -Drunlater.start-compiler-priority=off} turns it off. A failure to restore logs a warning.
 *
 * <p>Only {@code main} lowers it ({@link #lower()}), as its first work; the ready (or failed) event
 * restores it. The native call is {@code setpriority(2)} on each C2 thread's id through the JDK's
 * foreign function interface (the jar's manifest allows the unnamed module native access).
 */
public final class StartCompilerPriority implements ApplicationListener<SpringApplicationEvent> {
  /** The system property that turns this off ({@code off}). */
  public static final String PROPERTY = "runlater.start-compiler-priority";

  /** The nice value of the optimising compiler's threads during a start: the lowest priority. */
  static final int START_NICE = 19;

  private static final Logger log = LoggerFactory.getLogger(StartCompilerPriority.class);
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final int CAP_SYS_NICE = 23;
  private static final int PRIO_PROCESS = 0;

  /** The nice value to restore, once lowered; empty when nothing was lowered. */
  private static volatile CompletableFuture<OptionalInt> lowered =
      CompletableFuture.completedFuture(OptionalInt.empty());

  /**
   * Lowers C2's priority on a thread of its own (the native call's set-up stays off main); the nice
   * value it had, once lowered, or empty when it is left alone.
   */
  public static CompletableFuture<OptionalInt> lower() {
    if ("off".equals(System.getProperty(PROPERTY))) {
      return CompletableFuture.completedFuture(OptionalInt.empty());
    }
    CompletableFuture<OptionalInt> result = new CompletableFuture<>();
    lowered = result;
    Thread.ofPlatform()
        .name("start-compiler-priority")
        .daemon()
        .start(() -> result.complete(lowerNow()));
    return result;
  }

  /** Puts C2's priority back where {@link #lower()} found it; idempotent. */
  public static void restore() {
    OptionalInt original = lowered.join();
    lowered = CompletableFuture.completedFuture(OptionalInt.empty());
    original.ifPresent(StartCompilerPriority::set);
  }

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationReadyEvent || event instanceof ApplicationFailedEvent) {
      restore();
    }
  }

  /** C2's nice value before it was lowered, or empty when it was left alone. */
  static OptionalInt lowerNow() {
    try {
      List<Integer> threads = compilerThreads();
      if (threads.isEmpty()) {
        return OptionalInt.empty();
      }
      int original = nice(threads.getFirst());
      if (original >= START_NICE || !mayLowerNiceTo(original)) {
        return OptionalInt.empty();
      }
      return set(START_NICE) ? OptionalInt.of(original) : OptionalInt.empty();
    } catch (IOException | RuntimeException | LinkageError e) {
      log.debug("The optimising compiler's priority stays as it is: {}", e.toString());
      return OptionalInt.empty();
    }
  }

  /**
   * Sets the nice value of every C2 thread there is now (one started later, by C2 itself, took C2's
   * value then); whether all of them took it.
   */
  static boolean set(int nice) {
    boolean all = true;
    try {
      for (int thread : compilerThreads()) {
        int status = (int) Native.SETPRIORITY.invokeExact(PRIO_PROCESS, thread, nice);
        all &= status == 0;
      }
    } catch (Throwable e) {
      all = false;
    }
    if (!all && nice != START_NICE) {
      log.warn("The optimising compiler's priority could not be put back to nice {}", nice);
    }
    return all;
  }

  /** The thread ids of the JVM's C2 compiler threads ({@code C2 CompilerThreadN}). */
  static List<Integer> compilerThreads() throws IOException {
    List<Integer> threads = new ArrayList<>();
    if (!Files.isDirectory(TASKS)) {
      return threads;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith("C2 CompilerThre")) {
            threads.add(Integer.parseInt(task.getFileName().toString()));
          }
        } catch (IOException e) {
          // A thread that ended while listed.
        }
      }
    }
    return threads;
  }

  /** A thread's nice value: field 19 of its stat line (after the command in parentheses). */
  static int nice(int thread) throws IOException {
    String stat = Files.readString(TASKS.resolve(Integer.toString(thread)).resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }

  /** Whether this process may set a nice value back down to {@code nice} once it raised it. */
  private static boolean mayLowerNiceTo(int nice) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapEff:")
          && new BigInteger(line.substring(7).strip(), 16).testBit(CAP_SYS_NICE)) {
        return true;
      }
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max nice priority")) {
        String soft = line.substring("Max nice priority".length()).strip().split("\\s+")[0];
        // RLIMIT_NICE allows nice values down to 20 - limit.
        return soft.equals("unlimited") || 20 - Integer.parseInt(soft) <= nice;
      }
    }
    return false;
  }

  /** The native call, looked up only when a start uses it. */
  private static final class Native {
    static final MethodHandle SETPRIORITY =
        Linker.nativeLinker()
            .downcallHandle(
                Linker.nativeLinker().defaultLookup().find("setpriority").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  }
}
