package eu.runlater.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import eu.runlater.engine.http.AddressPolicy;
import eu.runlater.engine.http.HttpDelivery;
import eu.runlater.engine.http.HttpDeliveryConfig;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;

/**
 * An engine in a process of its own, for the crash test to kill with SIGKILL. Arguments: JDBC URL,
 * node id. Prints READY once it runs; never exits by itself.
 */
public final class EngineProcess {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(url);
    pool.setUsername("postgres");
    pool.setMaximumPoolSize(8);
    Engine engine =
        Engine.builder(
                EngineConfig.builder(args[1])
                    .workers(20)
                    .leaseMargin(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(100))
                    .maintenanceInterval(Duration.ofMillis(200))
                    .build())
            .database(
                new HikariDataSource(pool),
                () -> DriverManager.getConnection(url, "postgres", null))
            .http(new HttpDelivery(HttpDeliveryConfig.defaults(AddressPolicy.parse("127.0.0.0/8"))))
            .secrets(
                SecretBox.fromConfigured(SecretBox.generateKey()),
                org -> List.of(EngineFixture.SECRET))
            .build();
    engine.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
