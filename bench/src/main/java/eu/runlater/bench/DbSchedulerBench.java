package eu.runlater.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.http.HttpCall;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The peer: db-scheduler 16.12.0 on the same PostgreSQL, its one-time task making the same POST
 * (same body, same headers, signed per call) through the same client (Runlater's {@link
 * HttpDelivery}), so only the scheduling differs. It keeps no history: a finished one-time
 * execution is deleted from {@code scheduled_tasks}.
 */
final class DbSchedulerBench {
  /** db-scheduler's PostgreSQL schema (its {@code postgresql_tables.sql} for 16.x). */
  static final String DDL =
      """
      CREATE TABLE scheduled_tasks (
        task_name text NOT NULL,
        task_instance text NOT NULL,
        task_data bytea,
        execution_time timestamp with time zone NOT NULL,
        picked BOOLEAN NOT NULL,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures INT,
        last_heartbeat timestamp with time zone,
        version BIGINT NOT NULL,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance)
      );
      CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
      CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
      CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
      """;

  static final Duration POLLING_INTERVAL = Duration.ofMillis(100);
  private static final int SCHEDULE_BATCH = 1_000;

  private final BenchPostgres pg;
  private final Sink sink;
  private final CpuMeter cpu;
  private final int threads;

  DbSchedulerBench(BenchPostgres pg, Sink sink, CpuMeter cpu, int threads) {
    this.pg = pg;
    this.sink = sink;
    this.cpu = cpu;
    this.threads = threads;
  }

  record Drain(double perSecond, double schedulePerSecond, CpuMeter.Usage cpu, double walPerTask)
      implements Measured {}

  /** Schedules {@code n} instances due now, then starts a scheduler and times it to the last. */
  Drain drain(int n, boolean lockAndFetch) throws Exception {
    try (Setup s = new Setup(lockAndFetch ? "dbs_laf" : "dbs_fetch", 0)) {
      SchedulerClient client = SchedulerClient.Builder.create(s.pool, s.task).build();
      long scheduleStart = System.nanoTime();
      for (int done = 0; done < n; done += SCHEDULE_BATCH) {
        client.scheduleBatch(s.instances(Math.min(SCHEDULE_BATCH, n - done)), Instant.now());
      }
      double scheduleRate = n * 1e9 / (System.nanoTime() - scheduleStart);
      long sinkStart = sink.count();
      long walStart = BenchPostgres.walPosition(s.monitor);
      pg.resetStatements(s.monitor);
      CpuMeter.Sample before = cpu.sample();
      long start = System.nanoTime();
      s.start(lockAndFetch);
      long end = s.awaitDone(sinkStart + n, Duration.ofMinutes(10));
      CpuMeter.Sample after = cpu.sample();
      long wal = BenchPostgres.walPosition(s.monitor) - walStart;
      pg.printStatements(s.monitor, s.database);
      s.verify(n);
      return new Drain(
          n * 1e9 / (end - start), scheduleRate, CpuMeter.between(before, after), (double) wal / n);
    }
  }

  /** As {@link RunlaterBench#lateness}, with lock-and-fetch polling every 100 ms. */
  Lateness lateness(double perSecond, Duration duration, Duration warmup) throws Exception {
    int capacity = (int) (perSecond * duration.toSeconds() * 1.1) + 10_000;
    try (Setup s = new Setup("dbs_lateness", capacity)) {
      s.start(true);
      long sinkStart = sink.count();
      Instant fedFrom = Instant.now();
      CpuMeter.Sample before = cpu.sample();
      Feeder.Fed fed =
          Feeder.run(
              perSecond,
              duration,
              count -> s.scheduler.scheduleBatch(s.instances(count), Instant.now().plusSeconds(1)));
      CpuMeter.Sample after = cpu.sample();
      s.awaitDone(sinkStart + fed.tasks(), Duration.ofMinutes(5));
      s.verify(fed.tasks());
      return new Lateness(
          Stats.Percentiles.of(s.lateness(fedFrom.plusSeconds(1).plus(warmup))),
          fed.rate(),
          CpuMeter.between(before, after),
          0);
    }
  }

  /** A fresh database with db-scheduler's table, a pool, a client, and the task. */
  private final class Setup implements AutoCloseable {
    final String database;
    final HikariDataSource pool;
    // Outside the pool: watching the table must not take a connection the scheduler needs.
    final Connection monitor;
    final HttpDelivery http = Payload.httpDelivery(threads);
    final LongAdder failed = new LongAdder();
    final AtomicLong ids = new AtomicLong();
    // Lateness samples: due time (epoch µs) and start minus due (ms), filled by the handler.
    final long[] dueMicros;
    final double[] lateMillis;
    final AtomicInteger samples = new AtomicInteger();
    final OneTimeTask<Void> task;
    Scheduler scheduler;

    Setup(String purpose, int lateCapacity) {
      database = pg.freshDatabase(purpose);
      pg.execute(database, DDL);
      try {
        monitor = pg.connect(database);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      // db-scheduler holds a connection per executing thread while it completes; its docs size
      // the pool to the thread count plus a few.
      pool = pg.pool(database, threads + 5, "db-scheduler-bench");
      dueMicros = new long[lateCapacity];
      lateMillis = new double[lateCapacity];
      task =
          com.github.kagkarlsson.scheduler.task.helper.Tasks.oneTime("deliver")
              .execute(
                  (instance, ctx) -> {
                    Instant started = Instant.now();
                    if (lateCapacity > 0) {
                      Instant due = ctx.getExecution().executionTime;
                      int i = samples.getAndIncrement();
                      if (i < lateCapacity) {
                        dueMicros[i] = due.getEpochSecond() * 1_000_000 + due.getNano() / 1_000;
                        lateMillis[i] = Duration.between(due, started).toNanos() / 1e6;
                      }
                    }
                    HttpCall call =
                        new HttpCall(
                            sink.uri(),
                            "POST",
                            Payload.signedHeaders(),
                            Payload.BODY,
                            Duration.ofSeconds(10));
                    if (!(http.send(call) instanceof HttpOutcome.Responded r
                        && r.status() == 200)) {
                      failed.increment();
                    }
                  });
    }

    List<TaskInstance<?>> instances(int count) {
      List<TaskInstance<?>> list = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        list.add(task.instance("i" + ids.incrementAndGet()));
      }
      return list;
    }

    void start(boolean lockAndFetch) {
      SchedulerBuilder builder =
          Scheduler.create(pool, task)
              .threads(threads)
              .pollingInterval(POLLING_INTERVAL)
              .schedulerName(new SchedulerName.Fixed("bench"))
              .shutdownMaxWait(Duration.ofSeconds(10));
      if (lockAndFetch) {
        builder = builder.pollUsingLockAndFetch(0.5, 1.0);
      }
      scheduler = builder.build();
      scheduler.start();
    }

    /** Waits for the last request at the sink, then for the table to be empty (all completed). */
    long awaitDone(long sinkTarget, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (sink.count() < sinkTarget) {
        check(deadline, "the sink to receive " + sinkTarget + " requests");
        LockSupport.parkNanos(2_000_000);
      }
      while (BenchPostgres.queryLong(monitor, "SELECT count(*) FROM scheduled_tasks") > 0) {
        check(deadline, "scheduled_tasks to empty");
        LockSupport.parkNanos(5_000_000);
      }
      return System.nanoTime();
    }

    void verify(long expected) {
      if (failed.sum() > 0) {
        System.out.printf(
            "  WARNING: %d of %d db-scheduler calls failed%n", failed.sum(), expected);
      }
    }

    double[] lateness(Instant from) {
      long fromMicros = from.getEpochSecond() * 1_000_000 + from.getNano() / 1_000;
      int n = Math.min(samples.get(), dueMicros.length);
      List<Double> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        if (dueMicros[i] >= fromMicros) {
          values.add(lateMillis[i]);
        }
      }
      return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public void close() {
      if (scheduler != null) {
        scheduler.stop();
      }
      http.close();
      try {
        monitor.close();
      } catch (SQLException ignored) {
        // dropped with the database
      }
      pool.close();
      pg.drop(database);
    }
  }

  private static void check(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("timed out waiting for " + what);
    }
  }
}
