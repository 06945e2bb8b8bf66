package eu.runlater.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StartCompilerPriority} on this test JVM's own C2 threads: lowered to nice 19 during a
 * start, put back where they were once ready. Needs Linux, a C2 thread and the right to lower a
 * nice value again (root, as the build runs here); skipped otherwise, as the class then changes
 * nothing.
 */
class StartCompilerPriorityTest {
  private int original;

  @BeforeEach
  void needs_a_compiler_thread_whose_priority_may_be_put_back() throws IOException {
    List<Integer> threads = StartCompilerPriority.compilerThreads();
    assumeTrue(!threads.isEmpty(), "no C2 compiler thread in this JVM");
    original = StartCompilerPriority.nice(threads.getFirst());
    OptionalInt lowered = StartCompilerPriority.lowerNow();
    try {
      assumeTrue(lowered.isPresent(), "this process may not lower a nice value again");
    } finally {
      StartCompilerPriority.set(original);
    }
  }

  @Test
  void a_start_runs_the_optimising_compiler_at_the_lowest_priority() throws IOException {
    try {
      assertThat(StartCompilerPriority.lowerNow()).hasValue(original);

      assertThat(nices()).isNotEmpty().allMatch(nice -> nice == StartCompilerPriority.START_NICE);
    } finally {
      StartCompilerPriority.set(original);
    }
  }

  @Test
  void a_ready_node_has_its_optimising_compiler_back_at_its_own_priority() throws IOException {
    try {
      assertThat(StartCompilerPriority.lower().join()).hasValue(original);
      assertThat(nices()).allMatch(nice -> nice == StartCompilerPriority.START_NICE);

      StartCompilerPriority.restore();

      assertThat(nices()).isNotEmpty().allMatch(nice -> nice == original);
    } finally {
      StartCompilerPriority.set(original);
    }
  }

  @Test
  void a_start_told_not_to_leaves_the_compiler_alone() throws IOException {
    System.setProperty(StartCompilerPriority.PROPERTY, "off");
    try {
      assertThat(StartCompilerPriority.lower().join()).isEmpty();

      assertThat(nices()).isNotEmpty().allMatch(nice -> nice == original);
    } finally {
      System.clearProperty(StartCompilerPriority.PROPERTY);
    }
  }

  private static List<Integer> nices() throws IOException {
    return StartCompilerPriority.compilerThreads().stream()
        .map(
            thread -> {
              try {
                return StartCompilerPriority.nice(thread);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }
}
