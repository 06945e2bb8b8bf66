package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.apikeys.ApiKeys;
import eu.runlater.engine.SealedRequests;
import eu.runlater.platform.security.ApiScope;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * /api/v1/alert-channels and /api/v1/alert-notifications: settings checked field by field, secrets
 * masked in every answer and kept across changes, deleting a channel that rules use, "Send test"
 * showing the target's answer, and the log of what was sent with every attempt.
 */
class ChannelsApiTest extends ServerTest {
  static final ChannelSinks SINKS = start();
  static final String PATH = "/api/v1/alert-channels";

  @Autowired JdbcClient jdbc;
  @Autowired ApiKeys keys;
  Fixtures.Tenant tenant;

  private static ChannelSinks start() {
    try {
      return new ChannelSinks();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    SINKS.close();
  }

  @BeforeEach
  void tenant() {
    tenant = fixtures.tenant();
  }

  Api.Response create(String kind, String settings) {
    return create("c-" + UUID.randomUUID(), kind, settings);
  }

  Api.Response create(String name, String kind, String settings) {
    return api.post(
        PATH,
        tenant.key(),
        "{\"name\":\"" + name + "\",\"kind\":\"" + kind + "\",\"settings\":" + settings + "}");
  }

  static List<String> fields(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.json().path("errors").forEach(e -> out.add(e.path("field").asString()));
    return out;
  }

  void assertInvalid(Api.Response r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(fields(r)).as(r.toString()).contains(field);
  }

  @Test
  void bad_settings_are_422_naming_the_field() {
    assertInvalid(create("slack", "{\"webhook_url\":\"not a url\"}"), "settings.webhook_url");
    assertInvalid(
        create("slack", "{\"webhook_url\":\"http://hooks.slack.com/services/T/B/X\"}"),
        "settings.webhook_url");
    assertInvalid(create("slack", "{}"), "settings.webhook_url");
    assertInvalid(
        create("discord", "{\"webhook_url\":\"ftp://discord.com/x\"}"), "settings.webhook_url");
    assertInvalid(
        create("teams", "{\"webhook_url\":\"https://user:pw@example.webhook.office.com/x\"}"),
        "settings.webhook_url");
    assertInvalid(
        create(
            "webhook",
            "{\"url\":\"https://example.com/x\",\"headers\":{\"Webhook-Signature\":\"x\"}}"),
        "settings.headers.Webhook-Signature");
    assertInvalid(
        create("telegram", "{\"bot_token\":\"nope\",\"chat_id\":\"42\"}"), "settings.bot_token");
    assertInvalid(
        create(
            "telegram",
            "{\"bot_token\":\"123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\",\"chat_id\":\"#x\"}"),
        "settings.chat_id");
    assertInvalid(create("ntfy", "{\"topic\":\"ok\",\"priority\":9}"), "settings.priority");
    assertInvalid(create("ntfy", "{\"topic\":\"has space\"}"), "settings.topic");
    assertInvalid(create("pagerduty", "{\"routing_key\":\"short\"}"), "settings.routing_key");
    assertInvalid(
        create(
            "pagerduty",
            "{\"routing_key\":\"R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12\",\"severity\":\"panic\"}"),
        "settings.severity");
    assertInvalid(
        create("pushover", "{\"app_token\":\"azGDORePK8gMaC0QOYAMyEEuzJnyUi\",\"user_key\":\"x\"}"),
        "settings.user_key");
    assertInvalid(
        create(
            "pushover",
            "{\"app_token\":\"azGDORePK8gMaC0QOYAMyEEuzJnyUi\",\"user_key\":\"uQiRzpo4DXghDmr9QzzfQu27cmVRsG\",\"priority\":2}"),
        "settings.priority");
    assertInvalid(create("email", "{}"), "settings.addresses");
    assertInvalid(create("email", "{\"roles\":[\"boss\"]}"), "settings.roles");
    assertInvalid(create("email", "{\"addresses\":[\"not-an-address\"]}"), "settings.addresses");
    assertInvalid(
        create("slack", "{\"webhook_url\":\"https://hooks.slack.com/x\",\"channel\":\"#ops\"}"),
        "settings.channel");
    assertInvalid(create("sms", "{}"), "kind");
    assertInvalid(create("", "slack", "{\"webhook_url\":\"https://hooks.slack.com/x\"}"), "name");
    assertThat(
            jdbc.sql("SELECT count(*) FROM alert_channels WHERE organization_id = :o")
                .param("o", tenant.id())
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void private_addresses_are_refused_unless_the_operator_allows_them() {
    // The test server allows 127.0.0.0/8 only (RUNLATER_ALLOW_PRIVATE_TARGETS).
    assertInvalid(create("webhook", "{\"url\":\"https://10.0.0.7/hook\"}"), "settings.url");
    assertInvalid(
        create("slack", "{\"webhook_url\":\"https://169.254.169.254/latest\"}"),
        "settings.webhook_url");
    assertInvalid(
        create("ntfy", "{\"topic\":\"t\",\"server_url\":\"http://192.168.1.2\"}"),
        "settings.server_url");
    assertThat(create("webhook", "{\"url\":\"" + SINKS.url("/webhook") + "\"}").status())
        .isEqualTo(201);
  }

  @Test
  void a_taken_name_is_a_409_naming_it() {
    assertThat(create("ops", "slack", "{\"webhook_url\":\"https://hooks.slack.com/a\"}").status())
        .isEqualTo(201);
    Api.Response again =
        create("ops", "discord", "{\"webhook_url\":\"https://discord.com/api/webhooks/1/x\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(fields(again)).containsExactly("name");
  }

  @Test
  void secrets_are_masked_in_every_answer_and_kept_when_left_out() {
    String secretUrl = "https://hooks.slack.com/services/T000/B000/SLACKSECRET";
    Api.Response created = create("slack", "{\"webhook_url\":\"" + secretUrl + "\"}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().path("id").asString();
    assertThat(created.json().path("settings").path("webhook_url").asString())
        .isEqualTo("https://hooks.slack.com/" + SealedRequests.MASK);
    Api.Response hook =
        create(
            "webhook",
            "{\"url\":\""
                + SINKS.url("/webhook/HOOKSECRET")
                + "\",\"headers\":{\"X-Env\":\"prod\",\"X-Api-Key\":\"KEYSECRET\"}}");
    Api.Response bot =
        create(
            "telegram",
            "{\"bot_token\":\"123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\",\"chat_id\":42}");
    assertThat(bot.json().path("settings").path("bot_token").asString())
        .isEqualTo(SealedRequests.MASK);
    assertThat(bot.json().path("settings").path("chat_id").asString()).isEqualTo("42");
    assertThat(hook.json().path("settings").path("headers").path("X-Env").asString())
        .isEqualTo("prod");
    assertThat(hook.json().path("settings").path("headers").path("X-Api-Key").asString())
        .isEqualTo(SealedRequests.MASK);
    for (Api.Response r :
        List.of(
            created,
            hook,
            bot,
            api.get(PATH, tenant.key()),
            api.get(PATH + "/" + id, tenant.key()),
            api.get(PATH + "/" + hook.json().path("id").asString(), tenant.key()))) {
      assertThat(r.body())
          .doesNotContain(
              "SLACKSECRET", "HOOKSECRET", "KEYSECRET", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
    }
    assertThat(api.get(PATH, tenant.key()).json().path("data").size()).isEqualTo(3);

    // A rename keeps the secret; so does the masked value given back as it was shown.
    String hookId = hook.json().path("id").asString();
    Api.Response renamed =
        api.patch(
            PATH + "/" + hookId,
            tenant.key(),
            "{\"name\":\"renamed\",\"settings\":{\"url\":\""
                + hook.json().path("settings").path("url").asString()
                + "\",\"headers\":{\"X-Env\":\"staging\",\"X-Api-Key\":\""
                + SealedRequests.MASK
                + "\"}}}");
    assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
    assertThat(renamed.json().path("name").asString()).isEqualTo("renamed");
    assertThat(renamed.body()).doesNotContain("HOOKSECRET", "KEYSECRET");
    Api.Response test = api.post(PATH + "/" + hookId + "/test", tenant.key(), "");
    assertThat(test.json().path("status").asString()).as(test.toString()).isEqualTo("delivered");
    ChannelSinks.Received received = receivedAt("/webhook");
    assertThat(received.path()).isEqualTo("/webhook/HOOKSECRET");
    assertThat(received.headers().get("x-api-key")).isEqualTo("KEYSECRET");
    assertThat(received.headers().get("x-env")).isEqualTo("staging");

    Api.Response kind = api.patch(PATH + "/" + hookId, tenant.key(), "{\"kind\":\"slack\"}");
    assertInvalid(kind, "kind");
    assertInvalid(
        api.patch(PATH + "/" + hookId, tenant.key(), "{\"settings\":{\"url\":null}}"),
        "settings.url");
  }

  ChannelSinks.Received receivedAt(String prefix) {
    try {
      return SINKS.next(prefix, java.time.Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void deleting_a_channel_that_rules_use_is_409_naming_them_unless_detached() {
    String id =
        create("slack", "{\"webhook_url\":\"https://hooks.slack.com/a\"}")
            .json()
            .path("id")
            .asString();
    String other =
        create("slack", "{\"webhook_url\":\"https://hooks.slack.com/b\"}")
            .json()
            .path("id")
            .asString();
    rule("organization", tenant.id(), id, other);
    UUID job = UUID.randomUUID();
    rule("job", job, id);

    Api.Response refused = api.delete(PATH + "/" + id, tenant.key());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().path("detail").asString()).contains("default").contains("job ");
    assertThat(api.get(PATH + "/" + id, tenant.key()).status()).isEqualTo(200);

    assertThat(api.delete(PATH + "/" + id + "?detach=true", tenant.key()).status()).isEqualTo(204);
    assertThat(api.get(PATH + "/" + id, tenant.key()).status()).isEqualTo(404);
    List<String> left =
        jdbc.sql(
                "SELECT array_to_string(channel_ids, ',') FROM alert_rules WHERE organization_id = :o ORDER BY subject_kind DESC")
            .param("o", tenant.id())
            .query(String.class)
            .list();
    assertThat(left).containsExactly(other, "");
    assertThat(api.delete(PATH + "/" + other, tenant.key()).status()).isEqualTo(409);
  }

  void rule(String kind, UUID subject, String... channels) {
    jdbc.sql(
            """
            INSERT INTO alert_rules (organization_id, subject_kind, subject_id, channel_ids, updated_at)
            VALUES (:o, :kind, :subject, CAST(:channels AS uuid[]), now())
            """)
        .param("o", tenant.id())
        .param("kind", kind)
        .param("subject", subject)
        .param("channels", "{" + String.join(",", channels) + "}")
        .update();
  }

  @Test
  void send_test_shows_the_targets_answer_and_the_log_keeps_every_attempt() {
    String ok =
        create("webhook", "{\"url\":\"" + SINKS.url("/webhook/ok") + "\"}")
            .json()
            .path("id")
            .asString();
    String failing =
        create("webhook", "{\"url\":\"" + SINKS.url("/fail/x") + "\"}")
            .json()
            .path("id")
            .asString();

    Api.Response delivered = api.post(PATH + "/" + ok + "/test", tenant.key(), "");
    assertThat(delivered.status()).as(delivered.toString()).isEqualTo(200);
    assertThat(delivered.json().path("status").asString()).isEqualTo("delivered");
    assertThat(delivered.json().path("status_code").asInt()).isEqualTo(200);
    assertThat(delivered.json().path("answer").asString()).isEqualTo("thanks");
    JsonNode body = receivedAt("/webhook").json();
    assertThat(body.path("type").asString()).isEqualTo("alert.test");

    Api.Response failed = api.post(PATH + "/" + failing + "/test", tenant.key(), "");
    assertThat(failed.status()).isEqualTo(200);
    assertThat(failed.json().path("status").asString()).isEqualTo("failed");
    assertThat(failed.json().path("status_code").asInt()).isEqualTo(500);
    assertThat(failed.json().path("answer").asString()).contains("boom");
    receivedAt("/fail");

    Api.Response log = api.get("/api/v1/alert-notifications", tenant.key());
    assertThat(log.status()).isEqualTo(200);
    assertThat(log.json().path("data").size()).isEqualTo(2);
    JsonNode newest = log.json().path("data").get(0);
    assertThat(newest.path("id").asString())
        .isEqualTo(failed.json().path("notification_id").asString());
    assertThat(newest.path("kind").asString()).isEqualTo("test");
    assertThat(newest.path("status").asString()).isEqualTo("failed");
    assertThat(newest.path("channel_kind").asString()).isEqualTo("webhook");
    assertThat(newest.path("text").asString()).contains("example-job");

    Api.Response onlyFailed = api.get("/api/v1/alert-notifications?status=failed", tenant.key());
    assertThat(onlyFailed.json().path("data").size()).isEqualTo(1);
    Api.Response byChannel = api.get("/api/v1/alert-notifications?channel_id=" + ok, tenant.key());
    assertThat(byChannel.json().path("data").get(0).path("status").asString())
        .isEqualTo("delivered");
    Api.Response page = api.get("/api/v1/alert-notifications?limit=1", tenant.key());
    assertThat(page.json().path("data").size()).isEqualTo(1);
    Api.Response next =
        api.get(
            "/api/v1/alert-notifications?limit=1&cursor="
                + page.json().path("next_cursor").asString(),
            tenant.key());
    assertThat(next.json().path("data").get(0).path("id").asString())
        .isEqualTo(delivered.json().path("notification_id").asString());
    assertInvalid(api.get("/api/v1/alert-notifications?status=lost", tenant.key()), "status");

    Api.Response detail =
        api.get(
            "/api/v1/alert-notifications/" + failed.json().path("notification_id").asString(),
            tenant.key());
    JsonNode attempts = detail.json().path("attempts");
    assertThat(attempts.size()).isEqualTo(1); // a test gets one attempt
    assertThat(attempts.get(0).path("status_code").asInt()).isEqualTo(500);
    assertThat(attempts.get(0).path("response").asString()).contains("boom");
    assertThat(attempts.get(0).path("attempt").asInt()).isEqualTo(1);

    // Another organization sees none of it.
    Fixtures.Tenant other = fixtures.tenant();
    assertThat(api.get("/api/v1/alert-notifications", other.key()).json().path("data").size())
        .isZero();
    assertThat(api.get(PATH + "/" + ok, other.key()).status()).isEqualTo(404);
    assertThat(api.post(PATH + "/" + ok + "/test", other.key(), "").status()).isEqualTo(404);
  }

  @Test
  void email_without_smtp_goes_to_the_dev_mailbox() {
    Fixtures.TestUser owner = fixtures.user(tenant.id(), eu.runlater.organizations.Role.OWNER);
    Fixtures.TestUser member = fixtures.user(tenant.id(), eu.runlater.organizations.Role.MEMBER);
    String id =
        create(
                "email",
                "{\"roles\":[\"owner\"],\"addresses\":[\"ops-" + tenant.id() + "@example.com\"]}")
            .json()
            .path("id")
            .asString();
    Api.Response test = api.post(PATH + "/" + id + "/test", tenant.key(), "");
    assertThat(test.json().path("status").asString()).as(test.toString()).isEqualTo("delivered");
    assertThat(test.json().path("answer").asString()).isEqualTo("stored in the dev mailbox");
    Mailbox mailbox = new Mailbox(jdbc);
    Mailbox.Message mail = mailbox.latestTo(owner.email());
    assertThat(mail.subject()).startsWith("[Test]");
    assertThat(mail.body()).contains("example-job").contains("Last status: 503");
    assertThat(mailbox.latestTo("ops-" + tenant.id() + "@example.com").subject())
        .startsWith("[Test]");
    assertThat(mailbox.to(member.email())).isEmpty();
  }

  @Test
  void a_read_only_key_reads_but_does_not_change() {
    String id =
        create("slack", "{\"webhook_url\":\"https://hooks.slack.com/a\"}")
            .json()
            .path("id")
            .asString();
    String readOnly = keys.create(tenant.id(), "reader", null, ApiScope.READ_ONLY).token();
    assertThat(api.get(PATH, readOnly).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/alert-notifications", readOnly).status()).isEqualTo(200);
    assertThat(
            api.post(
                    PATH,
                    readOnly,
                    "{\"name\":\"x\",\"kind\":\"slack\",\"settings\":{\"webhook_url\":\"https://hooks.slack.com/b\"}}")
                .status())
        .isEqualTo(403);
    assertThat(api.post(PATH + "/" + id + "/test", readOnly, "").status()).isEqualTo(403);
    assertThat(api.delete(PATH + "/" + id, readOnly).status()).isEqualTo(403);
  }
}
