package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.db.Db.Params;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the engine keeps per organization, written only through {@link Tenants}. */
class TenantsTest {
  static final UUID OTHER = UUID.fromString("0190c0de-0000-7000-8000-00000000000b");

  final EngineFixture fixture = new EngineFixture();
  final Tenants tenants = new Tenants();

  @AfterEach
  void close() {
    fixture.close();
  }

  private Integer cap(UUID organizationId) throws Exception {
    return fixture.db.withConnection(
        c ->
            Db.query(
                    c,
                    "SELECT max_running FROM organization_caps WHERE organization_id = :o",
                    Params.of("o", organizationId),
                    rs -> rs.getInt(1))
                .stream()
                .findFirst()
                .orElse(null));
  }

  @Test
  void sets_an_organizations_cap_and_changes_it() throws Exception {
    fixture.db.inTransaction(
        c -> {
          tenants.setCap(c, EngineFixture.ORG, 20);
          return null;
        });
    assertThat(cap(EngineFixture.ORG)).isEqualTo(20);

    fixture.db.inTransaction(
        c -> {
          tenants.setCap(c, EngineFixture.ORG, 500);
          return null;
        });
    assertThat(cap(EngineFixture.ORG)).isEqualTo(500);
  }

  @Test
  void reconciling_many_caps_writes_only_those_that_differ_and_keeps_the_unlisted()
      throws Exception {
    UUID unlisted = UUID.fromString("0190c0de-0000-7000-8000-00000000000c");
    int first =
        fixture.db.inTransaction(
            c -> tenants.setCaps(c, Map.of(EngineFixture.ORG, 20, unlisted, 7)));
    assertThat(first).isEqualTo(2);

    int second =
        fixture.db.inTransaction(
            c -> tenants.setCaps(c, Map.of(EngineFixture.ORG, 20, OTHER, 500)));

    assertThat(second).as("the unchanged cap is not rewritten").isEqualTo(1);
    assertThat(cap(EngineFixture.ORG)).isEqualTo(20);
    assertThat(cap(OTHER)).isEqualTo(500);
    assertThat(cap(unlisted)).isEqualTo(7);
    int none = fixture.db.inTransaction(c -> tenants.setCaps(c, Map.of()));
    assertThat(none).isZero();
  }

  @Test
  void a_cap_below_one_is_refused_before_anything_is_written() throws Exception {
    assertThatThrownBy(
            () -> fixture.db.inTransaction(c -> tenants.setCaps(c, Map.of(EngineFixture.ORG, 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThat(cap(EngineFixture.ORG)).isNull();
  }

  @Test
  void forgetting_an_organization_removes_its_tasks_history_and_cap_and_nothing_else()
      throws Exception {
    Engine engine = fixture.engine(fixture.config().build());
    NewTask mine = fixture.task("http://127.0.0.1:9/mine");
    NewTask theirs = other(fixture.task("http://127.0.0.1:9/theirs"));
    fixture.insert(engine, List.of(mine, theirs));
    fixture.db.inTransaction(
        c -> {
          engine
              .tasks()
              .recordEvents(
                  c, List.of(missed(EngineFixture.ORG, mine), missed(OTHER, theirs)), "node");
          tenants.setCaps(c, Map.of(EngineFixture.ORG, 20, OTHER, 500));
          return null;
        });

    fixture.db.inTransaction(
        c -> {
          tenants.forget(c, EngineFixture.ORG);
          return null;
        });

    assertThat(
            fixture.count(
                "SELECT count(*) FROM tasks WHERE organization_id = '" + EngineFixture.ORG + "'"))
        .isZero();
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE organization_id = '"
                    + EngineFixture.ORG
                    + "'"))
        .isZero();
    assertThat(cap(EngineFixture.ORG)).isNull();
    assertThat(fixture.count("SELECT count(*) FROM tasks WHERE organization_id = '" + OTHER + "'"))
        .isEqualTo(1);
    assertThat(
            fixture.count(
                "SELECT count(*) FROM executions WHERE organization_id = '" + OTHER + "'"))
        .isEqualTo(1);
    assertThat(cap(OTHER)).isEqualTo(500);
  }

  private static NewTask other(NewTask t) {
    return EngineFixture.inOrganization(t, OTHER);
  }

  private static TaskEvent missed(UUID organizationId, NewTask task) {
    return new TaskEvent(
        organizationId,
        task.id(),
        task.sourceKind(),
        task.sourceId(),
        TaskEvent.MISSED,
        Instant.now(),
        "missed: nothing ran",
        task.request().url(),
        task.request().method());
  }
}
