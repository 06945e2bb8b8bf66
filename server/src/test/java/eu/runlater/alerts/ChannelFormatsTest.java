package eu.runlater.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The formats stay within each service's limits however long what they carry is: 40 items with
 * 5,000-character names, errors and snippets.
 */
class ChannelFormatsTest {
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  static final String LONG = "x<&>\"".repeat(1_000);

  static AlertMessage huge(String kind, String change) {
    List<AlertMessage.Item> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      items.add(
          new AlertMessage.Item(
              UUID.randomUUID(),
              change,
              "job",
              UUID.randomUUID(),
              "job-" + i + LONG,
              "https://runlater.example.com/jobs/" + i,
              "failing",
              "failing " + LONG,
              NOW.minusSeconds(3_700),
              "recovered".equals(change) ? Duration.ofSeconds(3_700) : null,
              12,
              502,
              LONG,
              LONG,
              "https://runlater.example.com/executions/" + i,
              "https://runlater.example.com/alerts/mute?subject=job:" + i,
              "https://runlater.example.com/jobs/" + i));
    }
    return new AlertMessage(
        UUID.randomUUID(),
        "Org " + LONG,
        kind,
        "40 jobs are failing: " + LONG,
        items,
        NOW,
        "https://runlater.example.com/notifications");
  }

  @Test
  void slack_stays_within_block_kit_limits() {
    JsonNode body = ChatFormats.slack(huge(AlertMessage.ALERT, "opened"));
    assertThat(body.path("text").asString().length()).isLessThanOrEqualTo(3000);
    JsonNode blocks = body.path("blocks");
    assertThat(blocks.size()).isLessThanOrEqualTo(50);
    assertThat(blocks.get(0).path("text").path("text").asString().length())
        .isLessThanOrEqualTo(150);
    for (JsonNode block : blocks) {
      assertThat(block.path("text").path("text").asString("").length()).isLessThanOrEqualTo(3000);
      assertThat(block.path("fields").size()).isLessThanOrEqualTo(10);
      block
          .path("fields")
          .forEach(f -> assertThat(f.path("text").asString().length()).isLessThanOrEqualTo(2000));
      assertThat(block.path("elements").size()).isLessThanOrEqualTo(25);
    }
    assertThat(blocks.get(blocks.size() - 1).toString()).contains("30 more");
  }

  @Test
  void discord_stays_within_embed_limits() {
    JsonNode body = ChatFormats.discord(huge(AlertMessage.ALERT, "opened"));
    assertThat(body.path("content").asString().length()).isLessThanOrEqualTo(2000);
    assertThat(body.path("embeds").size()).isEqualTo(10);
    int total = 0;
    for (JsonNode e : body.path("embeds")) {
      assertThat(e.path("title").asString().length()).isLessThanOrEqualTo(256);
      assertThat(e.path("description").asString("").length()).isLessThanOrEqualTo(4096);
      total +=
          e.path("title").asString().length()
              + e.path("description").asString("").length()
              + e.path("footer").path("text").asString("").length();
      for (JsonNode f : e.path("fields")) {
        assertThat(f.path("value").asString().length()).isLessThanOrEqualTo(1024);
        total += f.path("name").asString().length() + f.path("value").asString().length();
      }
    }
    assertThat(total).isLessThanOrEqualTo(6000);
    assertThat(body.path("allowed_mentions").path("parse").size()).isZero();
  }

  @Test
  void telegram_stays_within_4096_characters_with_whole_tags() {
    JsonNode body = PushFormats.telegram(huge(AlertMessage.ALERT, "opened"), "42");
    String text = body.path("text").asString();
    assertThat(text.length()).isLessThanOrEqualTo(4096);
    assertThat(text).contains("more");
    String outside = text.replaceAll("</?(b|a|code)( href=\"[^\"]*\")?>", "");
    assertThat(outside).doesNotContain("<").doesNotContain(">");
    assertThat(text).contains("job-0x");
    assertThat(text.split("<b>", -1).length).isEqualTo(text.split("</b>", -1).length);
  }

  @Test
  void pushover_and_pagerduty_and_ntfy_stay_within_their_limits() {
    JsonNode push = PushFormats.pushover(huge(AlertMessage.ALERT, "opened"), "t", "u", 1);
    assertThat(push.path("title").asString().length()).isLessThanOrEqualTo(250);
    assertThat(push.path("message").asString().length()).isLessThanOrEqualTo(1024);
    assertThat(push.path("url").asString().length()).isLessThanOrEqualTo(512);
    JsonNode pd =
        PushFormats.pagerDuty(
            huge(AlertMessage.ALERT, "opened"), "k", "trigger", "runlater-1", "critical");
    assertThat(pd.path("payload").path("summary").asString().length()).isLessThanOrEqualTo(1024);
    assertThat(pd.path("payload").path("severity").asString()).isEqualTo("critical");
    JsonNode resolve =
        PushFormats.pagerDuty(
            huge(AlertMessage.RECOVERY, "recovered"), "k", "resolve", "runlater-1", "critical");
    assertThat(resolve.has("payload")).isFalse();
    JsonNode ntfy = PushFormats.ntfy(huge(AlertMessage.ALERT, "opened"), "topic", 4);
    assertThat(ntfy.path("message").asString().length()).isLessThanOrEqualTo(4096);
    assertThat(ntfy.path("actions").size()).isLessThanOrEqualTo(3);
  }

  @Test
  void a_recovery_says_how_long_it_was_down_and_drops_mute_and_pause() {
    AlertMessage m = huge(AlertMessage.RECOVERY, "recovered");
    String text = AlertTexts.plain(m);
    assertThat(text)
        .contains("Down for: 1 h 1 min")
        .doesNotContain("Mute:")
        .doesNotContain("Pause:");
    assertThat(ChatFormats.discord(m).path("embeds").get(0).path("color").asInt())
        .isEqualTo(ChatFormats.GREEN);
    assertThat(PushFormats.ntfy(m, "t", 5).path("priority").asInt()).isEqualTo(3);
    assertThat(ChannelFormats.webhookBody(UUID.randomUUID(), m).path("type").asString())
        .isEqualTo("alert.recovered");
    assertThat(
            ChannelFormats.webhookBody(UUID.randomUUID(), m)
                .path("incidents")
                .get(0)
                .path("down_for_seconds")
                .asLong())
        .isEqualTo(3_700);
  }

  @Test
  void a_webhook_body_lists_at_most_100_incidents_and_counts_the_rest() {
    List<AlertMessage.Item> many = new ArrayList<>();
    AlertMessage one = huge(AlertMessage.ALERT, "opened");
    for (int i = 0; i < 250; i++) {
      many.add(one.items().get(i % 40));
    }
    AlertMessage m =
        new AlertMessage(one.organizationId(), "Org", "digest", "250", many, NOW, null);
    JsonNode body = ChannelFormats.webhookBody(UUID.randomUUID(), m);
    assertThat(body.path("incidents").size()).isEqualTo(100);
    assertThat(body.path("incidents_omitted").asInt()).isEqualTo(150);
    assertThat(body.path("type").asString()).isEqualTo("alert.digest");
    assertThat(AlertTexts.plain(m)).contains("…and 200 more.");
  }

  @Test
  void mail_html_escapes_everything_it_is_given() {
    String html = MailFormat.html(huge(AlertMessage.ALERT, "opened"));
    assertThat(html).doesNotContain("x<&>").contains("x&lt;&amp;&gt;&quot;");
  }

  @Test
  void durations_read_as_people_say_them() {
    assertThat(AlertTexts.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(AlertTexts.duration(Duration.ofMinutes(12))).isEqualTo("12 min");
    assertThat(AlertTexts.duration(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
    assertThat(AlertTexts.duration(Duration.ofHours(52))).isEqualTo("2 d 4 h");
  }
}
