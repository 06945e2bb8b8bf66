package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link StartPriority} on this test JVM's own threads: the test's thread stands for {@code main},
 * raised to nice -10 during a start with C2 lowered to 19, and everything back where it was once
 * ready. Needs Linux, a C2 thread and the right to set a nice value of -10 (root, as the build runs
 * here); skipped otherwise, as the class then changes nothing. Tagged "c2": the test JVMs compile
 * with C1 only, so surefire runs this class in a JVM of its own that has C2 (server/pom.xml).
 */
@Tag("c2")
class StartPriorityTest {
  private int main;
  private int original;

  @BeforeEach
  void needs_the_right_to_raise_a_thread() throws IOException {
    assumeTrue(StartPriority.currentThread().isPresent(), "no /proc/thread-self");
    assumeTrue(!StartPriority.compilerThreads().isEmpty(), "no C2 compiler thread in this JVM");
    main = StartPriority.currentThread().getAsInt();
    original = StartPriority.nice(main);
    OptionalInt changed = StartPriority.changeNow(main);
    StartPriority.restoreTo(original);
    assumeTrue(changed.isPresent(), "this process may not set a nice value of -10");
  }

  @AfterEach
  void everything_back() {
    StartPriority.restore();
    StartPriority.restoreTo(original);
  }

  @Test
  void a_start_runs_main_first_and_the_optimising_compiler_last() throws IOException {
    assertThat(StartPriority.changeNow(main)).hasValue(original);

    assertThat(StartPriority.nice(main)).isEqualTo(StartPriority.MAIN_NICE);
    assertThat(compilerNices()).isNotEmpty().allMatch(nice -> nice == StartPriority.COMPILER_NICE);
  }

  @Test
  void a_ready_node_has_main_the_threads_it_started_and_the_compiler_back() throws Exception {
    assertThat(StartPriority.begin().join()).hasValue(original);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Integer> started = new CompletableFuture<>();
    Thread child =
        Thread.ofPlatform()
            .start(
                () -> {
                  started.complete(StartPriority.currentThread().getAsInt());
                  awaitQuietly(done);
                });
    int childThread = started.join();
    assertThat(StartPriority.nice(childThread)).isEqualTo(StartPriority.MAIN_NICE);

    StartPriority.restore();

    assertThat(StartPriority.nice(main)).isEqualTo(original);
    assertThat(StartPriority.nice(childThread)).isEqualTo(original);
    assertThat(compilerNices()).isNotEmpty().allMatch(nice -> nice == original);
    done.countDown();
    child.join();
  }

  @Test
  void a_process_started_during_the_start_runs_at_the_process_priority() throws Exception {
    assertThat(StartPriority.begin().join()).hasValue(original);
    CompletableFuture<Integer> childNice = new CompletableFuture<>();
    Thread starter =
        Thread.ofPlatform()
            .start(
                () -> {
                  StartPriority.forChildProcesses();
                  childNice.complete(niceOfAProcessStartedHere());
                });
    starter.join();

    assertThat(childNice.join()).isEqualTo(original);
    // Without it, a process started by a thread main started takes the raised value.
    assertThat(niceOfAProcessStartedHere()).isEqualTo(StartPriority.MAIN_NICE);
  }

  @Test
  void a_start_told_not_to_leaves_every_priority_alone() throws IOException {
    System.setProperty(StartPriority.PROPERTY, "off");
    try {
      assertThat(StartPriority.begin().join()).isEmpty();

      assertThat(StartPriority.nice(main)).isEqualTo(original);
      assertThat(compilerNices()).isNotEmpty().allMatch(nice -> nice == original);
    } finally {
      System.clearProperty(StartPriority.PROPERTY);
    }
  }

  /** The nice value of a process this thread starts, as the process reads it of itself. */
  private static int niceOfAProcessStartedHere() {
    try {
      Process process = new ProcessBuilder("cat", "/proc/self/stat").start();
      String stat = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[16]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Integer> compilerNices() throws IOException {
    return StartPriority.compilerThreads().stream()
        .map(
            thread -> {
              try {
                return StartPriority.nice(thread);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }
}
