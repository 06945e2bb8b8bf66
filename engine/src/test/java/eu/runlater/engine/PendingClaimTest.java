package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks due later (a day of one-time jobs and delayed messages) must cost the claim nothing: it
 * reads the same pages whether 0 or {@value #PENDING} tasks wait behind the due ones, in the plan
 * pgjdbc starts with (custom) and the one it settles on (generic). The scenario takes every part of
 * the claim: the front of the due tasks, an organization at its cap, and the fallback walk that
 * finds another organization's due tasks behind it, whose pending tasks sort before its due ones (a
 * higher priority, due tomorrow) in the index the walk reads.
 */
class PendingClaimTest {
  static final int PENDING = 100_000;
  static final UUID CAPPED = EngineFixture.ORG;
  static final UUID OTHER = UUID.fromString("0190c0de-0000-7000-8000-000000000002");

  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void tasks_due_later_add_nothing_to_what_the_claim_reads() throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    Instant now = Instant.now();
    List<NewTask> due = new ArrayList<>();
    // The capped organization fills the claim's front window (200) with priority 0 …
    for (int i = 0; i < 300; i++) {
      due.add(task(CAPPED, 0, now.minusSeconds(120).plusMillis(i)));
    }
    // … so the other one's due tasks are found only by the walk behind it.
    for (int i = 0; i < 50; i++) {
      due.add(task(OTHER, 5, now.minusSeconds(60).plusMillis(i)));
    }
    fixture.insert(engine, due);
    fixture.db.withConnection(
        c -> {
          try (var st = c.createStatement()) {
            st.execute("INSERT INTO organization_caps VALUES ('" + CAPPED + "', 1)");
            st.execute(
                "UPDATE tasks SET state = 'running', attempt = 1, lease_token = 1,"
                    + " lease_expires_at = now() + interval '1 hour', claimed_by = 'elsewhere'"
                    + " WHERE id = (SELECT id FROM tasks WHERE organization_id = '"
                    + CAPPED
                    + "' ORDER BY id LIMIT 1)");
            st.execute("ANALYZE tasks");
          }
          return null;
        });

    Reads before = reads();
    assertThat(before.claimed()).as("the claim takes the other organization's 50").isEqualTo(50);

    for (int batch = 0; batch < PENDING / 10_000; batch++) {
      List<NewTask> later = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        // Spread over the next day, at a higher priority than the due ones.
        long offset = 60 + (long) ((batch * 10_000L + i) * (86_400.0 / PENDING));
        later.add(task(OTHER, 0, now.plus(Duration.ofSeconds(offset))));
      }
      fixture.insert(engine, later);
    }
    fixture.db.withConnection(c -> c.createStatement().execute("ANALYZE tasks"));

    Reads after = reads();
    assertThat(after.claimed()).isEqualTo(50);
    for (String mode : List.of("custom", "generic")) {
      long without = before.pages(mode);
      long with = after.pages(mode);
      String plans = "without:\n" + before.plan(mode) + "\nwith:\n" + after.plan(mode);
      assertThat(after.plan(mode)).as(plans).doesNotContain("Seq Scan on tasks");
      // A larger index is a level deeper at most: a page more per probe, not one per pending task.
      // The claim probes each of its 50 rows by id (and the update writes each row's index
      // entries), so a deeper tree alone costs about 1.6x the pages here (CI: 599 -> 949); a scan
      // over the pending tasks would cost one page per ~60 of them, over 1,600 more.
      assertThat(with).as(mode + " plan's pages, " + plans).isLessThanOrEqualTo(without * 2);
    }
  }

  private static NewTask task(UUID organization, int priority, Instant runAt) {
    return EngineFixture.task(organization, priority, runAt);
  }

  /** What one claim read, per plan mode, and how many tasks it took (each rolled back). */
  record Reads(
      int claimed, long customPages, String customPlan, long genericPages, String genericPlan) {
    long pages(String mode) {
      return mode.equals("custom") ? customPages : genericPages;
    }

    String plan(String mode) {
      return mode.equals("custom") ? customPlan : genericPlan;
    }
  }

  private Reads reads() throws SQLException {
    return fixture.db.withConnection(
        c -> {
          int claimed = claimedAndRolledBack(c);
          String custom = explained(c, "force_custom_plan");
          String generic = explained(c, "force_generic_plan");
          return new Reads(claimed, pages(custom), custom, pages(generic), generic);
        });
  }

  private static int claimedAndRolledBack(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (var st = c.createStatement()) {
      st.execute("PREPARE claim AS " + CompletionPlanTest.positional(ClaimQueries.TASK_CLAIM_DUE));
      int n = 0;
      try (var rs = st.executeQuery("EXECUTE claim(" + ClaimPlanTest.arguments() + ")")) {
        while (rs.next()) {
          assertThat(rs.getObject("organization_id", UUID.class)).isEqualTo(OTHER);
          n++;
        }
      }
      return n;
    } finally {
      c.rollback();
      c.setAutoCommit(true);
      try (var st = c.createStatement()) {
        st.execute("DEALLOCATE ALL");
      }
    }
  }

  /** EXPLAIN ANALYZE of one claim in {@code planMode}, rolled back: the plan with its buffers. */
  static String explained(Connection c, String planMode) throws SQLException {
    c.setAutoCommit(false);
    try (var st = c.createStatement()) {
      st.execute("SET LOCAL plan_cache_mode = " + planMode);
      st.execute("PREPARE claim AS " + CompletionPlanTest.positional(ClaimQueries.TASK_CLAIM_DUE));
      StringBuilder plan = new StringBuilder();
      try (var rs =
          st.executeQuery(
              "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE claim("
                  + ClaimPlanTest.arguments()
                  + ")")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    } finally {
      c.rollback();
      c.setAutoCommit(true);
      try (var st = c.createStatement()) {
        st.execute("DEALLOCATE ALL");
      }
    }
  }

  /** Pages the whole statement touched: its top node's first {@code Buffers:} line. */
  static long pages(String plan) {
    Matcher line = Pattern.compile("Buffers: shared ([^\\n]*)").matcher(plan);
    assertThat(line.find()).as(plan).isTrue();
    long pages = 0;
    Matcher count = Pattern.compile("(hit|read)=(\\d+)").matcher(line.group(1));
    while (count.find()) {
      pages += Long.parseLong(count.group(2));
    }
    return pages;
  }
}
