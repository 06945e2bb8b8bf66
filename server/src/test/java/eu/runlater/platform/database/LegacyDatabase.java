package eu.runlater.platform.database;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database as the last release with the single migration chain left it: built by that chain's
 * files ({@code db/legacy}, frozen), with the rows its code wrote for a tenant that used it (an
 * organization with its owner, an API key, a cron job with its next occurrence waiting, a one-time
 * job that ran, a queue with a delivered, a waiting and a dead message).
 */
record LegacyDatabase(
    String name,
    String secretKey,
    String signingSecret,
    String apiKey,
    UUID cronJob,
    UUID onceJob,
    UUID onceExecution,
    UUID waitingMessage,
    UUID deadMessage) {

  private static final SecureRandom RANDOM = new SecureRandom();

  static LegacyDatabase build() {
    String name = TestPostgres.emptyDatabase("legacy_rows");
    Flyway.configure()
        .dataSource(TestPostgres.jdbcUrl(name), "postgres", null)
        .locations(MigrationsTest.LEGACY)
        .load()
        .migrate();
    try (var dataSource = TestPostgres.dataSource(name, 1)) {
      return write(name, JdbcClient.create(dataSource));
    }
  }

  private static LegacyDatabase write(String name, JdbcClient jdbc) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    OffsetDateTime at = ts(now);
    String secretKey = SecretBox.generateKey();
    SecretBox box = SecretBox.fromConfigured(secretKey);
    jdbc.sql(
            """
            INSERT INTO instance_settings (key, value)
            VALUES ('bootstrapped_at', :now), ('secret_key_check', :check)
            """)
        .param("now", now.toString())
        .param("check", Base64.getEncoder().encodeToString(box.seal("runlater-secret-key-check")))
        .update();

    UUID org = Ids.v7(now);
    String signingSecret = "whsec_" + Base64.getEncoder().encodeToString(random(32));
    jdbc.sql(
            """
            INSERT INTO organizations (id, name, slug, tier, signing_secret, created_at, updated_at)
            VALUES (:id, 'Acme', 'acme', 'free', :secret, :at, :at)
            """)
        .param("id", org)
        .param("secret", box.seal(signingSecret))
        .param("at", at)
        .update();
    jdbc.sql("INSERT INTO organization_caps (organization_id, max_running) VALUES (:id, 20)")
        .param("id", org)
        .update();
    UUID user = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO users (id, email, confirmed_at, superadmin, created_at, updated_at)
            VALUES (:id, 'owner@acme.test', :at, true, :at, :at)
            """)
        .param("id", user)
        .param("at", at)
        .update();
    jdbc.sql(
            """
            INSERT INTO memberships (id, organization_id, user_id, role, created_at, updated_at)
            VALUES (:id, :org, :user, 'owner', :at, :at)
            """)
        .param("id", UUID.randomUUID())
        .param("org", org)
        .param("user", user)
        .param("at", at)
        .update();

    String publicId = "abcdefghijk23456";
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random(32));
    jdbc.sql(
            """
            INSERT INTO api_keys (id, organization_id, public_id, secret_hash, name, created_by,
                                  created_at, scope)
            VALUES (:id, :org, :public_id, :hash, 'deploy', :user, :at, 'full')
            """)
        .param("id", UUID.randomUUID())
        .param("org", org)
        .param("public_id", publicId)
        .param("hash", sha256(secret))
        .param("user", user)
        .param("at", at)
        .update();

    // A cron job with its next occurrence (03:00 in Amsterdam) materialized as a task.
    UUID cronJob = Ids.v7(now.plusMillis(1));
    UUID cronTask = UUID.randomUUID();
    ZonedDateTime three =
        now.atZone(ZoneId.of("Europe/Amsterdam")).withHour(3).truncatedTo(ChronoUnit.HOURS);
    Instant next = (three.toInstant().isAfter(now) ? three : three.plusDays(1)).toInstant();
    job(jdbc, cronJob, org, "nightly", "cron", null, "0 3 * * *", cronTask, at);
    jdbc.sql(
            """
            INSERT INTO tasks (id, organization_id, source_kind, source_id, priority, run_at,
                               scheduled_for, max_attempts, url, method, timeout_ms,
                               backoff_base_ms, backoff_max_ms, created_at, target_host)
            VALUES (:id, :org, 'job', :job, 5, :next, :next, 4, 'https://example.com/nightly',
                    'POST', 30000, 1000, 3600000, :at, 'https://example.com:443')
            """)
        .param("id", cronTask)
        .param("org", org)
        .param("job", cronJob)
        .param("next", ts(next))
        .param("at", at)
        .update();

    // A one-time job that ran an hour ago: no task left, one final execution.
    UUID onceJob = Ids.v7(now.plusMillis(2));
    Instant ran = now.minus(Duration.ofHours(1));
    job(jdbc, onceJob, org, "welcome", "once", ts(ran), null, null, at);
    UUID onceExecution = Ids.v7(ran);
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    started_at, finished_at, duration_us, status_code, node,
                                    request_url, request_method, request_headers,
                                    response_headers, response_body)
            VALUES (:id, :ran, :org, :task, 'job', :job, 1, 'success', true, :ran, :ran, :ran,
                    :ran, 42000, 200, 'node-1', 'https://example.com/welcome', 'POST', '[]',
                    '[]', convert_to('ok', 'UTF8'))
            """)
        .param("id", onceExecution)
        .param("ran", ts(ran))
        .param("org", org)
        .param("task", UUID.randomUUID())
        .param("job", onceJob)
        .update();

    UUID queue = Ids.v7(now.plusMillis(3));
    jdbc.sql(
            """
            INSERT INTO queues (id, organization_id, name, parallelism, retries, timeout_ms,
                                created_at, updated_at)
            VALUES (:id, :org, 'emails', 5, 3, 30000, :at, :at)
            """)
        .param("id", queue)
        .param("org", org)
        .param("at", at)
        .update();
    message(jdbc, Ids.v7(now.plusMillis(4)), org, queue, "delivered", now, at);
    UUID waitingMessage = Ids.v7(now.plusMillis(5));
    message(jdbc, waitingMessage, org, queue, "waiting", now.plus(Duration.ofDays(2)), at);
    UUID deadMessage = Ids.v7(now.plusMillis(6));
    message(jdbc, deadMessage, org, queue, "failed", now, at);

    return new LegacyDatabase(
        name,
        secretKey,
        signingSecret,
        "pk_live_" + publicId + ".sk_live_" + secret,
        cronJob,
        onceJob,
        onceExecution,
        waitingMessage,
        deadMessage);
  }

  private static void job(
      JdbcClient jdbc,
      UUID id,
      UUID org,
      String name,
      String type,
      OffsetDateTime runAt,
      String cron,
      UUID pendingTask,
      OffsetDateTime at) {
    jdbc.sql(
            """
            INSERT INTO jobs (id, organization_id, key, name, schedule_type, run_at,
                              cron_expression, timezone, url, method, timeout_ms, retries,
                              pending_task_id, schedule_changed_at, created_at, updated_at)
            VALUES (:id, :org, :name, :name, :type, :run_at, :cron, :timezone,
                    'https://example.com/' || :name, 'POST', 30000, 3, :task, :at, :at, :at)
            """)
        .param("id", id)
        .param("org", org)
        .param("name", name)
        .param("type", type)
        .param("run_at", runAt)
        .param("cron", cron)
        .param("timezone", cron == null ? null : "Europe/Amsterdam")
        .param("task", pendingTask)
        .param("at", at)
        .update();
  }

  private static void message(
      JdbcClient jdbc,
      UUID id,
      UUID org,
      UUID queue,
      String state,
      Instant notBefore,
      OffsetDateTime at) {
    boolean finished = !state.equals("waiting");
    jdbc.sql(
            """
            INSERT INTO messages (id, organization_id, queue_id, state, url, method, body,
                                  timeout_ms, retries, not_before, attempts, last_status,
                                  last_status_code, created_at, finished_at)
            VALUES (:id, :org, :queue, :state, 'https://example.com/mail', 'POST',
                    convert_to('{"to":"a@b.c"}', 'UTF8'), 30000, 3, :not_before, :attempts,
                    :last_status, :code, :at, :finished)
            """)
        .param("id", id)
        .param("org", org)
        .param("queue", queue)
        .param("state", state)
        .param("not_before", ts(notBefore))
        .param("attempts", finished ? (state.equals("failed") ? 4 : 1) : 0)
        .param("last_status", finished ? (state.equals("failed") ? "failed" : "success") : null)
        .param("code", finished ? (state.equals("failed") ? 500 : 200) : null)
        .param("at", at)
        .param("finished", finished ? at : null)
        .update();
  }

  private static OffsetDateTime ts(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
