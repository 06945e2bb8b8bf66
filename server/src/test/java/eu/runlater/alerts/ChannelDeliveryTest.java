package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.ServerTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Every kind of channel, delivered for real by the engine to a local server standing in for its
 * service: the body has the service's documented shape and stays within its limits, and no secret
 * is stored in the clear.
 */
// A context of its own (its properties differ from ServerTest's): closed after the class, so its
// engine and background loops stop instead of running beside every later class of this JVM (the
// test framework keeps cached contexts alive until the JVM ends).
@DirtiesContext
class ChannelDeliveryTest extends ServerTest {
  static final ChannelSinks SINKS = start();
  static final Duration WITHIN = Duration.ofSeconds(15);
  static final String TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  static final String NTFY_TOKEN = "tk_secretntfytoken0123456789";
  static final String PAGERDUTY_KEY = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12";
  static final String PUSHOVER_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
  static final String PUSHOVER_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
  static final String WEBHOOK_AUTH = "Bearer webhook-secret-0123456789";

  @Autowired ChannelSender sender;
  @Autowired TransactionTemplate transactions;
  @Autowired TransactionalConnection connection;
  @Autowired JdbcClient jdbc;
  @Autowired NotificationLog log;

  Fixtures.Tenant tenant;

  private static ChannelSinks start() {
    try {
      return new ChannelSinks();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    registry.add("runlater.alerts.channels.telegram-api", () -> SINKS.url("/telegram"));
    registry.add("runlater.alerts.channels.pagerduty-api", () -> SINKS.url("/pagerduty"));
    registry.add("runlater.alerts.channels.pushover-api", () -> SINKS.url("/pushover"));
    registry.add("runlater.alerts.channels.retry-base", () -> "100ms");
    registry.add("runlater.alerts.channels.retry-max", () -> "200ms");
  }

  @AfterAll
  static void stop() {
    SINKS.close();
  }

  @BeforeEach
  void tenant() {
    tenant = fixtures.tenant();
  }

  UUID channel(String kind, String settingsJson) {
    Api.Response r =
        api.post(
            "/api/v1/alert-channels",
            tenant.key(),
            "{\"name\":\""
                + kind
                + "-"
                + UUID.randomUUID()
                + "\",\"kind\":\""
                + kind
                + "\",\"settings\":"
                + settingsJson
                + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return UUID.fromString(r.json().path("id").asString());
  }

  UUID send(UUID channelId, AlertMessage message) {
    return transactions.execute(
        tx -> sender.enqueueChecked(connection.current(), channelId, message));
  }

  AlertMessage opened(UUID... incidents) {
    List<AlertMessage.Item> items = new ArrayList<>();
    Instant now = Instant.now();
    for (UUID incident : incidents) {
      items.add(
          new AlertMessage.Item(
              incident,
              "opened",
              "job",
              UUID.randomUUID(),
              "nightly <report> & sync",
              "https://runlater.example.com/jobs/1",
              "failing",
              "failing",
              now.minusSeconds(600),
              null,
              4,
              503,
              "HTTP 503",
              "<html>Service Unavailable</html>",
              "https://runlater.example.com/executions/2",
              "https://runlater.example.com/alerts/mute?subject=job:1",
              "https://runlater.example.com/jobs/1"));
    }
    return new AlertMessage(
        tenant.id(),
        tenant.organization().name(),
        AlertMessage.ALERT,
        items.size() + " jobs are failing: nightly <report> & sync",
        items,
        now,
        "https://runlater.example.com/notifications");
  }

  AlertMessage recovered(UUID incident) {
    Instant now = Instant.now();
    return new AlertMessage(
        tenant.id(),
        tenant.organization().name(),
        AlertMessage.RECOVERY,
        "nightly-report recovered",
        List.of(
            new AlertMessage.Item(
                incident,
                "recovered",
                "job",
                UUID.randomUUID(),
                "nightly-report",
                "https://runlater.example.com/jobs/1",
                "failing",
                "failing",
                now.minusSeconds(600),
                Duration.ofMinutes(10),
                0,
                200,
                null,
                null,
                null,
                null,
                null)),
        now,
        "https://runlater.example.com/notifications");
  }

  @Test
  void slack_gets_block_kit_within_its_limits() throws Exception {
    UUID id =
        channel("slack", "{\"webhook_url\":\"" + SINKS.url("/slack/T000/B000/XXXXSECRET") + "\"}");
    send(id, opened(UUID.randomUUID(), UUID.randomUUID()));
    ChannelSinks.Received r = SINKS.next("/slack", WITHIN);
    assertThat(r.path()).isEqualTo("/slack/T000/B000/XXXXSECRET");
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    JsonNode body = r.json();
    assertThat(body.path("text").asString()).contains("nightly <report> & sync");
    JsonNode blocks = body.path("blocks");
    assertThat(blocks.size()).isBetween(1, 50);
    assertThat(blocks.get(0).path("type").asString()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("type").asString()).isEqualTo("plain_text");
    assertThat(blocks.get(0).path("text").path("text").asString().length())
        .isLessThanOrEqualTo(150);
    int sections = 0;
    int buttons = 0;
    for (JsonNode block : blocks) {
      assertThat(block.path("type").asString()).isIn("header", "section", "actions", "context");
      if (block.path("type").asString().equals("section")) {
        sections++;
        assertThat(block.path("text").path("type").asString()).isEqualTo("mrkdwn");
        assertThat(block.path("text").path("text").asString())
            .contains("&lt;report&gt; &amp; sync");
        assertThat(block.path("fields").size()).isBetween(1, 10);
        block
            .path("fields")
            .forEach(f -> assertThat(f.path("text").asString().length()).isLessThanOrEqualTo(2000));
        assertThat(block.path("fields").toString()).contains("503").contains("Failures in a row");
      }
      if (block.path("type").asString().equals("actions")) {
        for (JsonNode button : block.path("elements")) {
          buttons++;
          assertThat(button.path("type").asString()).isEqualTo("button");
          assertThat(button.path("text").path("text").asString().length()).isLessThanOrEqualTo(75);
          assertThat(button.path("url").asString()).startsWith("https://runlater.example.com/");
        }
      }
    }
    assertThat(sections).isEqualTo(2);
    assertThat(buttons).isEqualTo(8); // job, execution, mute, pause per item
    assertNoSecretStored("XXXXSECRET");
  }

  @Test
  void discord_gets_embeds_within_its_limits() throws Exception {
    UUID id =
        channel(
            "discord",
            "{\"webhook_url\":\"" + SINKS.url("/discord/api/webhooks/1/DISCORDSECRET") + "\"}");
    UUID[] many = new UUID[14];
    for (int i = 0; i < many.length; i++) {
      many[i] = UUID.randomUUID();
    }
    send(id, opened(many));
    ChannelSinks.Received r = SINKS.next("/discord", WITHIN);
    assertThat(r.query()).isEqualTo("wait=true");
    JsonNode body = r.json();
    assertThat(body.path("content").asString().length()).isBetween(1, 2000);
    JsonNode embeds = body.path("embeds");
    assertThat(embeds.size()).isEqualTo(10);
    int total = 0;
    for (JsonNode e : embeds) {
      assertThat(e.path("title").asString().length()).isBetween(1, 256);
      assertThat(e.path("color").isInt()).isTrue();
      assertThat(e.path("fields").size()).isLessThanOrEqualTo(25);
      total += e.path("title").asString().length() + e.path("description").asString("").length();
      for (JsonNode f : e.path("fields")) {
        assertThat(f.path("name").asString().length()).isBetween(1, 256);
        assertThat(f.path("value").asString().length()).isBetween(1, 1024);
        total += f.path("name").asString().length() + f.path("value").asString().length();
      }
      total += e.path("footer").path("text").asString("").length();
    }
    assertThat(total).isLessThanOrEqualTo(6000);
    assertThat(embeds.get(0).path("color").asInt()).isEqualTo(ChatFormats.RED);
    assertThat(Instant.parse(embeds.get(0).path("timestamp").asString())).isNotNull();
    assertThat(embeds.get(9).path("title").asString()).isEqualTo("5 more");
    assertNoSecretStored("DISCORDSECRET");
  }

  @Test
  void teams_gets_an_adaptive_card() throws Exception {
    UUID id =
        channel("teams", "{\"webhook_url\":\"" + SINKS.url("/teams/workflows/TEAMSSECRET") + "\"}");
    send(id, recovered(UUID.randomUUID()));
    JsonNode body = SINKS.next("/teams", WITHIN).json();
    assertThat(body.path("type").asString()).isEqualTo("message");
    JsonNode attachment = body.path("attachments").get(0);
    assertThat(attachment.path("contentType").asString())
        .isEqualTo("application/vnd.microsoft.card.adaptive");
    JsonNode card = attachment.path("content");
    assertThat(card.path("type").asString()).isEqualTo("AdaptiveCard");
    assertThat(card.path("version").asString()).isIn("1.4", "1.5");
    assertThat(card.path("$schema").asString())
        .isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
    String text = card.toString();
    assertThat(text)
        .contains("\"FactSet\"")
        .contains("Action.OpenUrl")
        .contains("Down for")
        .contains("10 min");
    for (JsonNode block : card.path("body")) {
      assertThat(block.path("type").asString()).isIn("TextBlock", "Container");
    }
    assertNoSecretStored("TEAMSSECRET");
  }

  @Test
  void telegram_gets_send_message_with_html_escaped() throws Exception {
    UUID id =
        channel(
            "telegram", "{\"bot_token\":\"" + TELEGRAM_TOKEN + "\",\"chat_id\":-1001234567890}");
    send(id, opened(UUID.randomUUID()));
    ChannelSinks.Received r = SINKS.next("/telegram", WITHIN);
    assertThat(r.path()).isEqualTo("/telegram/bot" + TELEGRAM_TOKEN + "/sendMessage");
    JsonNode body = r.json();
    assertThat(body.path("chat_id").asString()).isEqualTo("-1001234567890");
    assertThat(body.path("parse_mode").asString()).isEqualTo("HTML");
    assertThat(body.path("disable_web_page_preview").asBoolean()).isTrue();
    String text = body.path("text").asString();
    assertThat(text.length()).isLessThanOrEqualTo(4096);
    assertThat(text).contains("nightly &lt;report&gt; &amp; sync").doesNotContain("<report>");
    assertThat(text)
        .contains("<a href=\"https://runlater.example.com/alerts/mute?subject=job:1\">Mute</a>");
    // Only Telegram's tags remain once the escaped text is taken out.
    assertThat(text.replaceAll("</?(b|a|code)( href=\"[^\"]*\")?>", "")).doesNotContain("<");
    assertNoSecretStored(TELEGRAM_TOKEN.split(":")[1]);
  }

  @Test
  void ntfy_gets_a_json_publish_with_a_sealed_token() throws Exception {
    UUID id =
        channel(
            "ntfy",
            "{\"server_url\":\""
                + SINKS.url("/ntfy")
                + "\",\"topic\":\"secret-topic-42\",\"access_token\":\""
                + NTFY_TOKEN
                + "\",\"priority\":5}");
    send(id, opened(UUID.randomUUID()));
    ChannelSinks.Received r = SINKS.next("/ntfy", WITHIN);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/ntfy/");
    assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + NTFY_TOKEN);
    JsonNode body = r.json();
    assertThat(body.path("topic").asString()).isEqualTo("secret-topic-42");
    assertThat(body.path("title").asString()).isNotBlank();
    assertThat(body.path("message").asString()).contains("last status 503");
    assertThat(body.path("priority").asInt()).isEqualTo(5);
    assertThat(body.path("tags").isArray()).isTrue();
    assertThat(body.path("click").asString()).startsWith("https://");
    assertThat(body.path("actions").size()).isBetween(1, 3);
    body.path("actions").forEach(a -> assertThat(a.path("action").asString()).isEqualTo("view"));
    assertNoSecretStored(NTFY_TOKEN);
    assertNoSecretStored("secret-topic-42");
  }

  @Test
  void pagerduty_triggers_and_resolves_with_one_dedup_key() throws Exception {
    UUID id =
        channel("pagerduty", "{\"routing_key\":\"" + PAGERDUTY_KEY + "\",\"severity\":\"error\"}");
    UUID incident = incident("open");
    UUID triggerId = send(id, opened(incident));
    JsonNode trigger = SINKS.next("/pagerduty", WITHIN).json();
    assertThat(trigger.path("routing_key").asString()).isEqualTo(PAGERDUTY_KEY);
    assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
    assertThat(trigger.path("dedup_key").asString()).isEqualTo("runlater-" + triggerId);
    JsonNode payload = trigger.path("payload");
    assertThat(payload.path("summary").asString().length()).isBetween(1, 1024);
    assertThat(payload.path("source").asString()).isNotBlank();
    assertThat(payload.path("severity").asString()).isEqualTo("error");
    assertThat(Instant.parse(payload.path("timestamp").asString())).isNotNull();
    assertThat(payload.path("custom_details").isObject()).isTrue();
    assertThat(trigger.path("links").get(0).path("href").asString()).startsWith("https://");
    assertThat(
            jdbc.sql("SELECT dedup_key FROM alert_notifications WHERE id = :id")
                .param("id", triggerId)
                .query(String.class)
                .single())
        .isEqualTo("runlater-" + triggerId);

    jdbc.sql("UPDATE alert_incidents SET state = 'closed', closed_at = now() WHERE id = :id")
        .param("id", incident)
        .update();
    UUID resolveId = send(id, recovered(incident));
    JsonNode resolve = SINKS.next("/pagerduty", WITHIN).json();
    assertThat(resolve.path("event_action").asString()).isEqualTo("resolve");
    assertThat(resolve.path("dedup_key").asString()).isEqualTo("runlater-" + triggerId);
    assertThat(resolveId).isNotEqualTo(triggerId);
    // The log finds both by the incident they told of.
    JsonNode byIncident =
        api.get("/api/v1/alert-notifications?incident_id=" + incident, tenant.key())
            .json()
            .path("data");
    assertThat(byIncident.size()).isEqualTo(2);
    assertThat(byIncident.get(0).path("kind").asString()).isEqualTo("recovery");
    assertThat(byIncident.get(1).path("kind").asString()).isEqualTo("alert");
    assertThat(
            api.get(
                    "/api/v1/alert-notifications?kind=recovery&incident_id=" + incident,
                    tenant.key())
                .json()
                .path("data")
                .size())
        .isEqualTo(1);
    // Resolved once: a second recovery of the same incident sends nothing.
    assertThat(send(id, recovered(incident))).isNull();
    assertNoSecretStored(PAGERDUTY_KEY);
  }

  @Test
  void pushover_gets_messages_json_with_the_token_sealed() throws Exception {
    UUID id =
        channel(
            "pushover",
            "{\"app_token\":\""
                + PUSHOVER_TOKEN
                + "\",\"user_key\":\""
                + PUSHOVER_USER
                + "\",\"priority\":1}");
    send(id, opened(UUID.randomUUID()));
    ChannelSinks.Received r = SINKS.next("/pushover", WITHIN);
    assertThat(r.path()).isEqualTo("/pushover/1/messages.json");
    JsonNode body = r.json();
    assertThat(body.path("token").asString()).isEqualTo(PUSHOVER_TOKEN);
    assertThat(body.path("user").asString()).isEqualTo(PUSHOVER_USER);
    assertThat(body.path("title").asString().length()).isBetween(1, 250);
    assertThat(body.path("message").asString().length()).isBetween(1, 1024);
    assertThat(body.path("url").asString().length()).isLessThanOrEqualTo(512);
    assertThat(body.path("url_title").asString().length()).isLessThanOrEqualTo(100);
    assertThat(body.path("priority").asInt()).isEqualTo(1);
    assertThat(body.path("html").asInt()).isEqualTo(1);
    assertNoSecretStored(PUSHOVER_TOKEN);
    assertNoSecretStored(PUSHOVER_USER);
  }

  @Test
  void webhook_gets_the_documented_schema_signed_with_its_headers() throws Exception {
    UUID id =
        channel(
            "webhook",
            "{\"url\":\""
                + SINKS.url("/webhook/in/HOOKSECRET")
                + "\",\"headers\":{\"X-Env\":\"prod\",\"Authorization\":\""
                + WEBHOOK_AUTH
                + "\"}}");
    UUID incident = UUID.randomUUID();
    UUID notification = send(id, opened(incident));
    ChannelSinks.Received r = SINKS.next("/webhook", WITHIN);
    assertThat(r.headers().get("x-env")).isEqualTo("prod");
    assertThat(r.headers().get("authorization")).isEqualTo(WEBHOOK_AUTH);
    assertThat(r.headers()).containsKeys("webhook-id", "webhook-timestamp", "webhook-signature");
    assertThat(r.headers().get("runlater-alert-id")).isEqualTo(notification.toString());
    // The execution's page links the attempt to its notification.
    var browser = signIn(fixtures.user(tenant.id(), eu.runlater.organizations.Role.MEMBER));
    var page = browser.get("/executions/" + r.headers().get("runlater-execution-id"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("/notifications/" + notification);
    JsonNode body = r.json();
    JsonNode schema = ChannelSinks.JSON.readTree(Files.readString(schemaFile()));
    for (JsonNode field : schema.path("required")) {
      assertThat(body.has(field.asString())).as(field.asString()).isTrue();
    }
    List<String> types = new ArrayList<>();
    schema.path("properties").path("type").path("enum").forEach(t -> types.add(t.asString()));
    assertThat(body.path("type").asString()).isIn(types).isEqualTo("alert.opened");
    assertThat(body.path("id").asString()).isEqualTo(notification.toString());
    assertThat(body.path("organization").path("id").asString()).isEqualTo(tenant.id().toString());
    JsonNode itemSchema = schema.path("properties").path("incidents").path("items");
    JsonNode item = body.path("incidents").get(0);
    for (JsonNode field : itemSchema.path("required")) {
      assertThat(item.has(field.asString())).as("incidents[0]." + field.asString()).isTrue();
    }
    for (JsonNode field : itemSchema.path("properties").path("subject").path("required")) {
      assertThat(item.path("subject").has(field.asString())).isTrue();
    }
    assertThat(item.path("id").asString()).isEqualTo(incident.toString());
    assertThat(item.path("last_status_code").asInt()).isEqualTo(503);
    assertThat(item.path("consecutive_failures").asInt()).isEqualTo(4);
    assertThat(item.path("response_snippet").asString()).contains("Service Unavailable");
    assertNoSecretStored("HOOKSECRET");
    assertNoSecretStored(WEBHOOK_AUTH);
  }

  @Test
  void a_failing_target_is_retried_and_shows_failed_in_the_log() throws Exception {
    Instant start = Instant.now().minusSeconds(1);
    UUID id = channel("webhook", "{\"url\":\"" + SINKS.url("/fail/hook") + "\"}");
    UUID notification = send(id, opened(UUID.randomUUID()));
    for (int i = 0; i < AlertChannelProperties.ATTEMPTS; i++) {
      SINKS.next("/fail", WITHIN);
    }
    Api.Response detail = awaitStatus(notification, "failed");
    JsonNode attempts = detail.json().path("attempts");
    assertThat(attempts.size()).isEqualTo(AlertChannelProperties.ATTEMPTS);
    assertThat(attempts.get(0).path("status_code").asInt()).isEqualTo(500);
    assertThat(attempts.get(0).path("response").asString()).contains("boom");
    assertThat(detail.json().path("notification").path("attempts").asInt())
        .isEqualTo(AlertChannelProperties.ATTEMPTS);
    // Home's attention list reads the ones whose retries ran out.
    assertThat(log.failedSince(tenant.id(), start, 10))
        .extracting(NotificationLog.Notification::id)
        .containsExactly(notification);
    assertThat(log.failedSince(tenant.id(), Instant.now().plusSeconds(60), 10)).isEmpty();
  }

  @Test
  void an_email_channel_whose_roles_have_nobody_fails_saying_why() throws Exception {
    UUID id = channel("email", "{\"roles\":[\"admin\"]}");
    UUID notification = send(id, opened(UUID.randomUUID()));
    Api.Response detail = awaitStatus(notification, "failed");
    JsonNode attempt = detail.json().path("attempts").get(0);
    assertThat(attempt.path("status_code").asInt()).isEqualTo(422);
    assertThat(attempt.path("response").asString()).contains("no recipients");
  }

  Api.Response awaitStatus(UUID notification, String status) {
    String path = "/api/v1/alert-notifications/" + notification;
    eu.runlater.testing.Sink.await(
        WITHIN,
        "notification " + notification + " becomes " + status,
        () ->
            api.get(path, tenant.key())
                .json()
                .path("notification")
                .path("status")
                .asString()
                .equals(status));
    return api.get(path, tenant.key());
  }

  UUID incident(String state) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO alert_incidents (id, organization_id, subject_kind, subject_id, condition,
                                         state, first_failure_at, last_failure_at)
            VALUES (:id, :org, 'job', :subject, 'failing', :state, now(), now())
            """)
        .param("id", id)
        .param("org", tenant.id())
        .param("subject", UUID.randomUUID())
        .param("state", state)
        .update();
    return id;
  }

  static Path schemaFile() {
    Path here = Path.of("docs/alert-webhook.schema.json");
    return Files.exists(here) ? here : Path.of("../docs/alert-webhook.schema.json");
  }

  /** No table keeps the secret in the clear: tasks, their attempts, the channels. */
  void assertNoSecretStored(String secret) {
    for (String sql :
        Set.of(
            "SELECT url || headers::text || coalesce(convert_from(body, 'UTF8'), '') FROM tasks WHERE organization_id = :org AND NOT body_sealed",
            "SELECT url || headers::text FROM tasks WHERE organization_id = :org",
            "SELECT coalesce(request_url, '') || coalesce(request_headers::text, '') FROM executions WHERE organization_id = :org",
            "SELECT coalesce(convert_from(request_body, 'UTF8'), '') FROM executions WHERE organization_id = :org AND NOT request_body_sealed",
            "SELECT name || settings::text || coalesce(encode(sealed_settings, 'escape'), '') FROM alert_channels WHERE organization_id = :org",
            "SELECT text || headline FROM alert_notifications WHERE organization_id = :org")) {
      for (String row : jdbc.sql(sql).param("org", tenant.id()).query(String.class).list()) {
        assertThat(row).as(sql).doesNotContain(secret);
      }
    }
    for (byte[] sealed :
        jdbc.sql("SELECT body FROM tasks WHERE organization_id = :org AND body_sealed")
            .param("org", tenant.id())
            .query(byte[].class)
            .list()) {
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    }
  }
}
