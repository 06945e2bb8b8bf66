package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/cron/preview} over HTTP: {@code from}, local time and offset, errors. */
class CronApiTest extends ServerTest {

  @Test
  void a_preview_from_an_instant_lists_runs_with_local_time_and_offset() {
    var tenant = fixtures.tenant();
    var preview =
        api.post(
            "/api/v1/cron/preview",
            tenant.key(),
            """
            {"expression": "30 2 * * 0L", "timezone": "Europe/Oslo", "count": 2,
             "from": "2027-03-01T00:00:00Z"}""");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    JsonNode body = preview.json();
    assertThat(body.get("description").asString())
        .isEqualTo("At 02:30 on the last Sunday of the month");
    JsonNode skipped = body.get("next").get(0);
    // 28 March 2027 02:30 does not exist in Oslo: the run is at the end of the gap.
    assertThat(skipped.get("local").asString()).isEqualTo("2027-03-28T03:00:00+02:00");
    assertThat(skipped.get("local_time").asString()).isEqualTo("2027-03-28T03:00:00");
    assertThat(skipped.get("offset").asString()).isEqualTo("+02:00");
    assertThat(skipped.get("utc").asString()).isEqualTo("2027-03-28T01:00:00Z");
    assertThat(body.get("next").get(1).get("local_time").asString())
        .isEqualTo("2027-04-25T02:30:00");
  }

  @Test
  void the_openapi_document_describes_from_and_each_runs_local_time_and_offset() {
    JsonNode doc = api.get("/v3/api-docs", null).json();
    JsonNode preview = doc.at("/paths/~1api~1v1~1cron~1preview/post");
    assertThat(preview.get("description").asString()).contains("`from`", "L-3", "15W", "1#2");
    String request = preview.at("/requestBody/content/application~1json/schema/$ref").asString();
    JsonNode requestSchema =
        doc.at("/components/schemas/" + request.substring(request.lastIndexOf('/') + 1));
    assertThat(requestSchema.get("properties").has("from")).as(requestSchema.toString()).isTrue();
    JsonNode run = doc.at("/components/schemas/Preview/properties/next/items/$ref");
    JsonNode runSchema =
        doc.at(
            "/components/schemas/" + run.asString().substring(run.asString().lastIndexOf('/') + 1));
    assertThat(runSchema.get("properties").propertyNames())
        .as(runSchema.toString())
        .contains("local", "local_time", "offset", "utc");
    assertThat(doc.at("/components/schemas/Preview/properties").propertyNames())
        .contains("keeps_elapsed_time");
  }

  @Test
  void a_wrong_from_is_named_with_how_to_write_it() {
    var tenant = fixtures.tenant();
    var bad =
        api.post(
            "/api/v1/cron/preview",
            tenant.key(),
            "{\"expression\": \"0 0 * * 1#6\", \"from\": \"next week\"}");
    assertThat(bad.status()).isEqualTo(422);
    List<String> errors = new ArrayList<>();
    bad.json()
        .get("errors")
        .forEach(e -> errors.add(e.get("field").asString() + ": " + e.get("message").asString()));
    assertThat(errors)
        .containsExactlyInAnyOrder(
            "expression: day-of-week field '1#6': 6 is out of range 1-5",
            "from: must be an instant with its offset, e.g. 2027-03-28T00:00:00Z");
  }
}
