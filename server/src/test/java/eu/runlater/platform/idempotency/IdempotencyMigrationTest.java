package eu.runlater.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.platform.database.Migrations;
import eu.runlater.platform.database.Migrations.Chain;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Platform's V5 (V20_1 before each module numbered its migrations) on a database whose idempotency
 * keys hold answers stored before it: those that carry an API key or a signing secret are withheld
 * with their body gone; the others still replay.
 */
class IdempotencyMigrationTest {

  @Test
  void answers_stored_with_a_secret_before_platform_v5_are_withheld_and_cleared() throws Exception {
    String database = TestPostgres.emptyDatabase("platform_v5");
    String url = TestPostgres.jdbcUrl(database);
    for (Chain chain : Migrations.CHAINS) {
      TestPostgres.migrate(
          database,
          chain.location(),
          chain.historyTable(),
          chain.module().equals("platform") ? "4" : null);
    }
    UUID org = UUID.randomUUID();
    try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO organizations (id, name, slug, signing_secret, created_at, updated_at)"
                + " VALUES ('"
                + org
                + "', 'Org', 'org', '\\x00', now(), now())");
      }
      insert(c, org, "key", "{\"key\":\"pk_live_abc.sk_live_0123456789abcdefghijKLMN\"}");
      insert(c, org, "rotate", "{\"signing_secret\":\"whsec_0123456789abcdefghij\"}");
      insert(c, org, "push", "{\"message_id\":\"0190\"}");
    }

    try (var dataSource = TestPostgres.dataSource(database, 4)) {
      Migrations.migrate(dataSource);
    }

    try (Connection c = DriverManager.getConnection(url, "postgres", null);
        Statement s = c.createStatement()) {
      ResultSet rs =
          s.executeQuery(
              "SELECT key, response_status, response_body IS NULL, response_withheld"
                  + " FROM idempotency_keys ORDER BY key");
      StringBuilder rows = new StringBuilder();
      while (rs.next()) {
        rows.append(rs.getString(1))
            .append(' ')
            .append(rs.getInt(2))
            .append(rs.getBoolean(3) ? " no-body" : " body")
            .append(rs.getBoolean(4) ? " withheld" : "")
            .append('\n');
      }
      assertThat(rows.toString())
          .isEqualTo(
              """
              key 201 no-body withheld
              push 201 body
              rotate 200 no-body withheld
              """);
    }
  }

  private static void insert(Connection c, UUID org, String key, String body) throws Exception {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO idempotency_keys (organization_id, key, request_hash, response_status,"
                + " response_type, response_body, created_at)"
                + " VALUES (?, ?, '\\x00', ?, 'application/json', ?, now())")) {
      p.setObject(1, org);
      p.setString(2, key);
      p.setInt(3, key.equals("rotate") ? 200 : 201);
      p.setBytes(4, body.getBytes(StandardCharsets.UTF_8));
      p.executeUpdate();
    }
  }
}
