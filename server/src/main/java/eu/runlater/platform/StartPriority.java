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
 * Gives the start's one busy thread, {@code main}, the CPU first while the server starts, and puts
 * every priority back once it is ready. On two cores a restart's {@code main} waited runnable for a
 * core about as long as it ran (1.5 s against 2.1 s), beside the JIT's compilers: so until ready
 * the optimising compiler (C2) runs at the lowest priority (nice 19: it takes what the rest leaves
 * idle, and its queue is worked off once the node is ready), and {@code main} at nice -10, above
 * C1, the garbage collector and every other thread. Threads that {@code main} starts during the
 * start inherit its value; the ready event puts each thread found at -10 back to the process's own
 * value, and C2 with them.
 *
 * <p>Only where every priority can be put back: Linux ({@code /proc/self/task}), and a process
 * allowed to set a nice value of -10 ({@code CAP_SYS_NICE}, as root has it outside a container, or
 * an {@code RLIMIT_NICE} of 30 or more). Elsewhere nothing changes: a C2 left at nice 19 would make
 * peak speed wait behind every busy thread for the node's life. {@code
 * -Drunlater.start-priority=off} turns it off. A failure to restore logs a warning.
 *
 * <p>Only {@code main} calls {@link #begin()}, as its first work; the ready (or failed) event
 * restores. The native call is {@code setpriority(2)} on each thread's id through the JDK's foreign
 * function interface (the jar's manifest allows the unnamed module native access).
 */
public final class StartPriority implements ApplicationListener<SpringApplicationEvent> {
  /** The system property that turns this off ({@code off}). */
  public static final String PROPERTY = "runlater.start-priority";

  /** The nice value of the optimising compiler's threads during a start: the lowest priority. */
  static final int COMPILER_NICE = 19;

  /** The nice value of {@code main}, and of the threads it starts, during a start. */
  static final int MAIN_NICE = -10;

  private static final Logger log = LoggerFactory.getLogger(StartPriority.class);
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final int CAP_SYS_NICE = 23;
  private static final int PRIO_PROCESS = 0;

  /** The nice value to restore, once changed; empty when nothing was changed. */
  private static volatile CompletableFuture<OptionalInt> changed =
      CompletableFuture.completedFuture(OptionalInt.empty());

  /**
   * Raises the calling thread ({@code main}) and lowers C2, on a thread of its own (the native
   * call's set-up stays off main); the nice value {@code main} had, once changed, or empty when
   * everything is left alone.
   */
  public static CompletableFuture<OptionalInt> begin() {
    if ("off".equals(System.getProperty(PROPERTY))) {
      return CompletableFuture.completedFuture(OptionalInt.empty());
    }
    OptionalInt main = currentThread();
    CompletableFuture<OptionalInt> result = new CompletableFuture<>();
    changed = result;
    if (main.isEmpty()) {
      result.complete(OptionalInt.empty());
      return result;
    }
    Thread.ofPlatform()
        .name("start-priority")
        .daemon()
        .start(() -> result.complete(changeNow(main.getAsInt())));
    return result;
  }

  /** Puts every priority {@link #begin()} changed back where it found it; idempotent. */
  public static void restore() {
    OptionalInt original = changed.join();
    changed = CompletableFuture.completedFuture(OptionalInt.empty());
    original.ifPresent(StartPriority::restoreTo);
  }

  /**
   * Puts the calling thread back at the process's own nice value if the start raised it (it was
   * started by {@code main}): processes it starts inherit its value for their whole life.
   */
  public static void forChildProcesses() {
    OptionalInt original = changed.join();
    OptionalInt self = currentThread();
    if (original.isEmpty() || self.isEmpty()) {
      return;
    }
    try {
      if (nice(self.getAsInt()) != original.getAsInt()) {
        set(List.of(self.getAsInt()), original.getAsInt());
      }
    } catch (IOException e) {
      log.debug("This thread's priority stays as it is: {}", e.toString());
    }
  }

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationReadyEvent || event instanceof ApplicationFailedEvent) {
      restore();
    }
  }

  /** {@code main}'s nice value before it was raised, or empty when nothing was changed. */
  static OptionalInt changeNow(int main) {
    try {
      int original = nice(main);
      if (original <= MAIN_NICE || !mayLowerNiceTo(MAIN_NICE)) {
        return OptionalInt.empty();
      }
      boolean all = set(compilerThreads(), COMPILER_NICE) & set(List.of(main), MAIN_NICE);
      if (!all) {
        restoreTo(original);
        return OptionalInt.empty();
      }
      return OptionalInt.of(original);
    } catch (IOException | RuntimeException | LinkageError e) {
      log.debug("The start's thread priorities stay as they are: {}", e.toString());
      return OptionalInt.empty();
    }
  }

  /**
   * C2 and every thread at {@link #MAIN_NICE} back to {@code nice}. The threads are listed again
   * until none is left at it: one that a raised thread started while the last list was read
   * inherited the raised value.
   */
  static void restoreTo(int nice) {
    try {
      boolean all = set(compilerThreads(), nice);
      for (int round = 0; round < 5; round++) {
        List<Integer> raised = threads(thread -> nice(thread) == MAIN_NICE);
        if (raised.isEmpty()) {
          break;
        }
        all &= set(raised, nice);
      }
      if (!all) {
        log.warn("The start's thread priorities could not all be put back to nice {}", nice);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("The start's thread priorities could not be put back to nice {}: {}", nice, e);
    }
  }

  /** Sets the nice value of each thread; whether all of them took it. */
  static boolean set(List<Integer> threads, int nice) {
    boolean all = true;
    try {
      for (int thread : threads) {
        int status = (int) Native.SETPRIORITY.invokeExact(PRIO_PROCESS, thread, nice);
        all &= status == 0;
      }
    } catch (Throwable e) {
      all = false;
    }
    return all;
  }

  /** The thread ids of the JVM's C2 compiler threads ({@code C2 CompilerThreadN}). */
  static List<Integer> compilerThreads() throws IOException {
    return threads(thread -> name(thread).startsWith("C2 CompilerThre"));
  }

  /** The calling thread's id ({@code /proc/thread-self} names it), or empty off Linux. */
  static OptionalInt currentThread() {
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
      return OptionalInt.of(Integer.parseInt(self.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** A thread's nice value: field 19 of its stat line (after the command in parentheses). */
  static int nice(int thread) throws IOException {
    String stat = Files.readString(TASKS.resolve(Integer.toString(thread)).resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }

  private static String name(int thread) throws IOException {
    return Files.readString(TASKS.resolve(Integer.toString(thread)).resolve("comm"));
  }

  /** This process's threads that {@code test} accepts; one that ends while listed is left out. */
  private static List<Integer> threads(ThreadTest test) throws IOException {
    List<Integer> threads = new ArrayList<>();
    if (!Files.isDirectory(TASKS)) {
      return threads;
    }
    try (Stream<Path> tasks = Files.list(TASKS)) {
      for (Path task : tasks.toList()) {
        int thread = Integer.parseInt(task.getFileName().toString());
        try {
          if (test.accepts(thread)) {
            threads.add(thread);
          }
        } catch (IOException e) {
          // A thread that ended while listed.
        }
      }
    }
    return threads;
  }

  /** Whether this process may set a thread's nice value down to {@code nice}. */
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

  /** A test of a thread by its id that may read its {@code /proc} entry. */
  @FunctionalInterface
  private interface ThreadTest {
    boolean accepts(int thread) throws IOException;
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
