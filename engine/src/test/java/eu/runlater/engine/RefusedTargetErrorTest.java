package eu.runlater.engine;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.db.Db;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import eu.runlater.testing.Sink;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a tenant reads when its target is refused: the recorded execution names the host it wrote,
 * never the internal addresses the name resolved to.
 */
class RefusedTargetErrorTest {
  final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void the_stored_error_of_a_name_resolving_to_internal_addresses_names_no_address()
      throws Exception {
    // "db.internal" resolves (as an internal name would) to a private and a metadata address.
    HttpDelivery http =
        new HttpDelivery(
            HttpDeliveryConfig.defaults(AddressPolicy.publicOnly())
                .withResolver(
                    host ->
                        List.of(
                            InetAddress.getByAddress(host, new byte[] {10, 20, 30, 40}),
                            InetAddress.getByAddress(
                                host,
                                new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}))));
    Engine engine = fixture.engine(fixture.config().build(), http);
    engine.start();
    NewTask task = fixture.task("http://db.internal:5432/hook");
    fixture.insert(engine, List.of(task));

    Sink.await(
        Duration.ofSeconds(10),
        "the refused attempt recorded",
        () -> {
          try {
            return fixture.count("SELECT count(*) FROM executions WHERE final") == 1;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    List<String> row =
        fixture.db.withConnection(
            c ->
                Db.query(
                    c,
                    "SELECT status, error FROM executions WHERE task_id = :id",
                    Db.Params.of("id", task.id()),
                    rs -> rs.getString("status") + "|" + rs.getString("error")));
    assertThat(row).hasSize(1);
    assertThat(row.getFirst())
        .startsWith("blocked|db.internal resolves only to addresses that are not allowed.")
        .doesNotContain("10.20.30.40", "169.254", "private", "metadata");
    // A refused target was never reached: it says nothing about the host's health.
    assertThat(fixture.count("SELECT count(*) FROM host_states")).isZero();
  }
}
