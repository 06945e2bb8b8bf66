package eu.runlater.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.SecretBox;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class SecretKeyConfigTest {
  private static final String PASSPHRASE = "correct horse battery staple, but longer";

  @Test
  void generates_a_key_once_into_the_data_directory_readable_only_by_its_owner(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("secret.key");
    SecretBox first = SecretBox.fromConfigured(SecretKeyConfig.loadOrGenerate(file));
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String content = Files.readString(file);

    SecretBox second = SecretBox.fromConfigured(SecretKeyConfig.loadOrGenerate(file));
    assertThat(Files.readString(file)).isEqualTo(content);
    assertThat(second.openString(first.seal("x"))).isEqualTo("x");
  }

  @Test
  void a_node_with_another_key_refuses_to_start_on_the_same_database() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      SecretBox original = SecretBox.fromConfigured(SecretBox.generateKey());
      SecretKeyConfig.unlock(original, List.of(), false, jdbc, tx(dataSource));
      // The same key is accepted again (a restart, or a second node configured right).
      SecretKeyConfig.unlock(original, List.of(), false, jdbc, tx(dataSource));

      SecretBox other = SecretBox.fromConfigured(SecretBox.generateKey());
      assertThatThrownBy(
              () -> SecretKeyConfig.unlock(other, List.of(), false, jdbc, tx(dataSource)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RUNLATER_SECRET_KEY")
          .hasMessageContaining("RUNLATER_SECRET_KEY_PREVIOUS");
      // A wrong previous key does not help either.
      SecretBox wrongPrevious = SecretBox.fromConfigured(SecretBox.generateKey());
      assertThatThrownBy(
              () ->
                  SecretKeyConfig.unlock(other, List.of(wrongPrevious), true, jdbc, tx(dataSource)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not match");
    }
  }

  @Test
  void a_passphrase_is_stretched_with_the_instance_salt_the_same_way_on_every_node() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      byte[] salt = SecretKeyConfig.instanceSalt(jdbc);
      assertThat(salt).hasSize(16);
      assertThat(SecretKeyConfig.instanceSalt(jdbc)).isEqualTo(salt);
      SecretBox a = SecretBox.fromConfigured(PASSPHRASE, salt);
      SecretBox b = SecretBox.fromConfigured(PASSPHRASE, SecretKeyConfig.instanceSalt(jdbc));
      assertThat(b.openString(a.seal("x"))).isEqualTo("x");
      assertThat(legacy(PASSPHRASE).tryOpen(a.seal("x"))).isNull();
    }
  }

  @Test
  void secrets_sealed_with_the_old_passphrase_derivation_still_read_and_are_re_encrypted() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      SecretBox old = legacy(PASSPHRASE);
      // An instance as the previous version left it: everything under SHA-256(passphrase).
      SecretKeyConfig.unlock(old, List.of(), false, jdbc, tx(dataSource));
      Rows rows = Rows.insert(jdbc, old);

      byte[] salt = SecretKeyConfig.instanceSalt(jdbc);
      SecretBox current = SecretBox.fromConfigured(PASSPHRASE, salt);
      List<SecretBox> previous = SecretKeyConfig.previous(PASSPHRASE, "", salt);
      SecretKeyConfig.unlock(current, previous, false, jdbc, tx(dataSource));

      rows.assertAllOpenWith(jdbc, current);
      rows.assertNoneOpenWith(jdbc, old);
      // Upgraded: the next start needs nothing but the passphrase.
      SecretKeyConfig.unlock(current, List.of(), false, jdbc, tx(dataSource));
    }
  }

  @Test
  void a_rolling_upgrade_catches_what_old_nodes_seal_after_the_check_was_flipped() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      SecretBox old = legacy(PASSPHRASE);
      SecretKeyConfig.unlock(old, List.of(), false, jdbc, tx(dataSource));
      Rows.insert(jdbc, old);
      byte[] salt = SecretKeyConfig.instanceSalt(jdbc);
      SecretBox current = SecretBox.fromConfigured(PASSPHRASE, salt);
      List<SecretBox> previous = SecretKeyConfig.previous(PASSPHRASE, "", salt);
      Instant upgrade = Instant.parse("2026-12-01T10:00:00Z");

      // Node A upgrades: re-encrypts everything and flips the check.
      SecretKeyConfig.unlock(current, previous, false, true, upgrade, jdbc, tx(dataSource));
      // Nodes B and C, still on the old version, keep sealing with SHA-256(passphrase).
      UUID writtenByOldNode = Rows.organization(jdbc, old);
      // B is replaced by a new-version node an hour later: its start finds those rows.
      SecretKeyConfig.unlock(
          current, previous, false, true, upgrade.plusSeconds(3_600), jdbc, tx(dataSource));
      assertThat(current.openString(signingSecret(jdbc, writtenByOldNode)))
          .isEqualTo("whsec_current");

      // A day after the first sweep starts no longer sweep (and pay nothing for it).
      UUID late = Rows.organization(jdbc, old);
      SecretKeyConfig.unlock(
          current, previous, false, true, upgrade.plusSeconds(25 * 3_600), jdbc, tx(dataSource));
      assertThat(current.tryOpen(signingSecret(jdbc, late))).isNull();
      assertThat(
              jdbc.sql("SELECT value FROM instance_settings WHERE key = :key")
                  .param("key", SecretKeyConfig.LEGACY_SWEPT_SETTING)
                  .query(String.class)
                  .single())
          .isEqualTo(upgrade.toString());
    }
  }

  private static byte[] signingSecret(JdbcClient jdbc, UUID organization) {
    return jdbc.sql("SELECT signing_secret FROM organizations WHERE id = :id")
        .param("id", organization)
        .query((rs, n) -> rs.getBytes(1))
        .single();
  }

  @Test
  void rotating_from_key_a_to_key_b_re_encrypts_everything_and_a_is_no_longer_needed() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      String keyA = SecretBox.generateKey();
      String keyB = SecretBox.generateKey();
      SecretBox a = SecretBox.fromConfigured(keyA);
      SecretBox b = SecretBox.fromConfigured(keyB);
      SecretKeyConfig.unlock(a, List.of(), false, jdbc, tx(dataSource));
      Rows rows = Rows.insert(jdbc, a);
      byte[] salt = SecretKeyConfig.instanceSalt(jdbc);

      // Started with B alone: refused, nothing changed.
      assertThatThrownBy(() -> SecretKeyConfig.unlock(b, List.of(), false, jdbc, tx(dataSource)))
          .hasMessageContaining("RUNLATER_SECRET_KEY_PREVIOUS");
      rows.assertAllOpenWith(jdbc, a);

      // In batches of 2, so paging over every table (and the two-column key) is exercised.
      List<SecretBox> previous = SecretKeyConfig.previous(keyB, keyA, salt);
      long resealed = StoredSecrets.reencrypt(jdbc, tx(dataSource), b, previous, 2);
      assertThat(resealed).isEqualTo(rows.sealedValues());
      SecretKeyConfig.unlock(b, previous, true, jdbc, tx(dataSource));
      rows.assertAllOpenWith(jdbc, b);
      rows.assertNoneOpenWith(jdbc, a);

      // A is no longer needed; A alone is refused now.
      SecretKeyConfig.unlock(b, List.of(), false, jdbc, tx(dataSource));
      assertThatThrownBy(() -> SecretKeyConfig.unlock(a, List.of(), false, jdbc, tx(dataSource)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void a_secret_that_opens_with_neither_key_stops_the_start_naming_the_row() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      SecretBox a = SecretBox.fromConfigured(SecretBox.generateKey());
      SecretBox b = SecretBox.fromConfigured(SecretBox.generateKey());
      SecretBox stranger = SecretBox.fromConfigured(SecretBox.generateKey());
      SecretKeyConfig.unlock(a, List.of(), false, jdbc, tx(dataSource));
      Rows.insert(jdbc, a);
      UUID odd = Rows.organization(jdbc, stranger);
      assertThatThrownBy(() -> SecretKeyConfig.unlock(b, List.of(a), true, jdbc, tx(dataSource)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("organizations.signing_secret")
          .hasMessageContaining(odd.toString())
          .hasMessageContaining("RUNLATER_SECRET_KEY_PREVIOUS");
      // The key check still names A: a start with A and the odd row fixed would work.
      assertThatThrownBy(() -> SecretKeyConfig.unlock(b, List.of(), false, jdbc, tx(dataSource)))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void a_malformed_previous_key_is_named_as_such() {
    assertThatThrownBy(
            () -> SecretKeyConfig.previous(SecretBox.generateKey(), "short", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RUNLATER_SECRET_KEY_PREVIOUS must be");
  }

  private static TransactionTemplate tx(DataSource dataSource) {
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  private static SecretBox legacy(String passphrase) {
    try {
      return SecretBox.ofKey(
          MessageDigest.getInstance("SHA-256").digest(passphrase.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One row in each table that holds sealed values, and one plain body that must stay plain. */
  private record Rows(UUID org, UUID job, UUID topic, UUID task, UUID execution) {
    static final String PLAIN_BODY = "not secret";

    static UUID organization(JdbcClient jdbc, SecretBox box) {
      UUID id = UUID.randomUUID();
      jdbc.sql(
              """
              INSERT INTO organizations (id, name, slug, signing_secret, previous_signing_secret,
                                         created_at, updated_at)
              VALUES (:id, 'Org', :slug, :s, :p, now(), now())
              """)
          .param("id", id)
          .param("slug", "org-" + id)
          .param("s", box.seal("whsec_current"))
          .param("p", box.seal("whsec_previous"))
          .update();
      return id;
    }

    static Rows insert(JdbcClient jdbc, SecretBox box) {
      UUID org = organization(jdbc, box);
      UUID job = UUID.randomUUID();
      jdbc.sql(
              """
              INSERT INTO jobs (id, organization_id, name, schedule_type, run_at, url, method,
                                sealed_headers, body, body_sealed, timeout_ms, retries,
                                created_at, updated_at, schedule_changed_at)
              VALUES (:id, :org, 'j', 'once', now(), 'https://example.com/', 'POST', :h, :b, true,
                      1000, 0, now(), now(), now())
              """)
          .param("id", job)
          .param("org", org)
          .param("h", box.seal("[{\"name\":\"Authorization\",\"value\":\"Bearer x\"}]"))
          .param("b", box.seal("secret body"))
          .update();
      // A plain body beside: never touched.
      jdbc.sql(
              """
              INSERT INTO jobs (id, organization_id, name, schedule_type, run_at, url, method,
                                body, body_sealed, timeout_ms, retries, created_at, updated_at,
                                schedule_changed_at)
              VALUES (:id, :org, 'plain', 'once', now(), 'https://example.com/', 'POST', :b, false,
                      1000, 0, now(), now(), now())
              """)
          .param("id", UUID.randomUUID())
          .param("org", org)
          .param("b", PLAIN_BODY.getBytes(StandardCharsets.UTF_8))
          .update();
      UUID topic = UUID.randomUUID();
      jdbc.sql(
              "INSERT INTO topics (id, organization_id, name, created_at, updated_at)"
                  + " VALUES (:id, :org, 't', now(), now())")
          .param("id", topic)
          .param("org", org)
          .update();
      for (int position = 0; position < 3; position++) {
        jdbc.sql(
                """
                INSERT INTO topic_endpoints (topic_id, organization_id, position, url,
                                             sealed_headers)
                VALUES (:topic, :org, :position, :url, :h)
                """)
            .param("topic", topic)
            .param("org", org)
            .param("position", position)
            .param("url", "https://example.com/" + position)
            .param("h", box.seal("[]"))
            .update();
      }
      UUID task = UUID.randomUUID();
      jdbc.sql(
              """
              INSERT INTO tasks (id, organization_id, source_kind, priority, run_at, scheduled_for,
                                 max_attempts, url, method, sealed_headers, body, body_sealed,
                                 timeout_ms, backoff_base_ms, backoff_max_ms, created_at)
              VALUES (:id, :org, 'job', 5, now(), now(), 1, 'https://example.com/', 'POST', :h,
                      :b, true, 1000, 100, 200, now())
              """)
          .param("id", task)
          .param("org", org)
          .param("h", box.seal("[]"))
          .param("b", box.seal("task body"))
          .update();
      UUID execution = UUID.randomUUID();
      jdbc.sql(
              """
              INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                      attempt, status, final, request_sealed_headers,
                                      request_body, request_body_sealed)
              VALUES (:id, :at, :org, :task, 'job', 1, 'success', true, :h, :b, true)
              """)
          .param("id", execution)
          .param("at", java.sql.Timestamp.from(Instant.now()))
          .param("org", org)
          .param("task", task)
          .param("h", box.seal("[]"))
          .param("b", box.seal("sent body"))
          .update();
      return new Rows(org, job, topic, task, execution);
    }

    /** Sealed values in these rows (the second organization of a test counts too). */
    long sealedValues() {
      return 2 + 2 + 3 + 2 + 2;
    }

    List<byte[]> sealed(JdbcClient jdbc) {
      List<byte[]> all = new java.util.ArrayList<>();
      all.addAll(
          jdbc.sql(
                  "SELECT signing_secret FROM organizations UNION ALL"
                      + " SELECT previous_signing_secret FROM organizations")
              .query((rs, n) -> rs.getBytes(1))
              .list());
      all.addAll(
          jdbc.sql(
                  "SELECT sealed_headers FROM jobs WHERE sealed_headers IS NOT NULL UNION ALL"
                      + " SELECT body FROM jobs WHERE body_sealed UNION ALL"
                      + " SELECT sealed_headers FROM topic_endpoints UNION ALL"
                      + " SELECT sealed_headers FROM tasks UNION ALL"
                      + " SELECT body FROM tasks WHERE body_sealed UNION ALL"
                      + " SELECT request_sealed_headers FROM executions UNION ALL"
                      + " SELECT request_body FROM executions WHERE request_body_sealed")
              .query((rs, n) -> rs.getBytes(1))
              .list());
      assertThat(all).hasSize((int) sealedValues());
      return all;
    }

    void assertAllOpenWith(JdbcClient jdbc, SecretBox box) {
      assertThat(sealed(jdbc)).allSatisfy(v -> assertThat(box.tryOpen(v)).isNotNull());
      assertThat(
              jdbc.sql("SELECT convert_from(body, 'UTF8') FROM jobs WHERE NOT body_sealed")
                  .query(String.class)
                  .single())
          .isEqualTo(PLAIN_BODY);
      String check =
          jdbc.sql("SELECT value FROM instance_settings WHERE key = 'secret_key_check'")
              .query(String.class)
              .single();
      assertThat(box.tryOpen(Base64.getDecoder().decode(check))).isNotNull();
      assertThat(
              box.openString(
                  jdbc.sql("SELECT signing_secret FROM organizations WHERE id = :id")
                      .param("id", org)
                      .query((rs, n) -> rs.getBytes(1))
                      .single()))
          .isEqualTo("whsec_current");
    }

    void assertNoneOpenWith(JdbcClient jdbc, SecretBox box) {
      assertThat(sealed(jdbc)).allSatisfy(v -> assertThat(box.tryOpen(v)).isNull());
    }
  }
}
