package eu.runlater.platform.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.support.ServerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit against real PostgreSQL: items submitted while a transaction is in flight share
 * the next one; a failing batch is written again item by item so only the bad item fails; a full
 * wait queue refuses at once; close writes what waits.
 */
class GroupCommitTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** 100 divided by each item, in one statement: an item 0 fails its whole transaction. */
  private List<Integer> divide(List<Integer> items) {
    return jdbc.sql(
            "SELECT 100 / v FROM unnest(CAST(:vs AS int[])) WITH ORDINALITY AS u(v, i) ORDER BY i")
        .param("vs", new SqlArrayValue("int4", items.toArray()))
        .query(Integer.class)
        .list();
  }

  private GroupCommit<Integer, Integer> commit(
      Function<List<Integer>, List<Integer>> batch, int maxWaiting) {
    return new GroupCommit<>(
        "test",
        new TransactionTemplate(transactions),
        batch,
        v -> divide(List.of(v)).getFirst(),
        new GroupCommit.Settings(64, maxWaiting, 1),
        meters);
  }

  /** {@link #divide}, but a batch holding item 1 waits for {@code release} first. */
  private Function<List<Integer>, List<Integer>> holding(
      CountDownLatch held, CountDownLatch release) {
    return items -> {
      if (items.contains(1)) {
        held.countDown();
        await(release);
      }
      return divide(items);
    };
  }

  private static CompletableFuture<Integer> submit(GroupCommit<Integer, Integer> c, int v) {
    return CompletableFuture.supplyAsync(() -> c.submit(v), r -> Thread.ofVirtual().start(r));
  }

  /** Polls until {@code n} items wait (the writer is held, so they queue up). */
  private static void awaitWaiting(GroupCommit<?, ?> c, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (c.waiting() < n) {
      assertThat(System.nanoTime()).as(n + " items waiting").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void items_arriving_during_a_commit_share_the_next_and_a_bad_one_fails_alone() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (var c = commit(holding(held, release), 100)) {
      var first = submit(c, 1);
      assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<Integer>> rest = new ArrayList<>();
      for (int v : new int[] {2, 4, 0, 5, 10}) {
        rest.add(submit(c, v));
      }
      awaitWaiting(c, 5);
      release.countDown();

      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(100);
      assertThat(rest.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(50);
      assertThat(rest.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(25);
      assertThatThrownBy(() -> rest.get(2).get(30, TimeUnit.SECONDS))
          .hasMessageContaining("division by zero");
      assertThat(rest.get(3).get(30, TimeUnit.SECONDS)).isEqualTo(20);
      assertThat(rest.get(4).get(30, TimeUnit.SECONDS)).isEqualTo(10);
      var sizes = meters.find("runlater.group_commit.batch.size").summary();
      assertThat(sizes.count()).isEqualTo(2);
      assertThat(sizes.max()).isEqualTo(5);
      assertThat(meters.find("runlater.group_commit.fallbacks").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void a_full_wait_queue_refuses_at_once_and_close_writes_what_waits() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var c = commit(holding(held, release), 2);
    var first = submit(c, 1);
    assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
    var a = submit(c, 2);
    var b = submit(c, 4);
    awaitWaiting(c, 2);
    assertThatThrownBy(() -> c.submit(5)).isInstanceOf(GroupCommit.Full.class);
    assertThat(meters.find("runlater.group_commit.refused").counter().count()).isEqualTo(1);

    var closing = CompletableFuture.runAsync(c::close);
    release.countDown();
    closing.get(30, TimeUnit.SECONDS);
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(100);
    assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(50);
    assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(25);
    assertThatThrownBy(() -> c.submit(5))
        .isInstanceOf(GroupCommit.Full.class)
        .hasMessageContaining("closed");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
