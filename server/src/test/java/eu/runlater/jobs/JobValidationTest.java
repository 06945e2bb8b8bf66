package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.ServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bad input is a 4xx naming the field and the fix, and creates nothing. (These tests allow
 * 127.0.0.0/8 as targets, as a self-hosted instance calling its own services might; other private
 * ranges stay refused.)
 */
class JobValidationTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no url                | "url": null                                      | url
          relative url          | "url": "/hook"                                   | url
          ftp url               | "url": "ftp://example.com/x"                     | url
          private target        | "url": "http://192.168.1.10:8080/x"              | url
          ipv6 loopback target  | "url": "http://[::1]/x"                          | url
          metadata target       | "url": "http://169.254.169.254/latest"           | url
          decimal private       | "url": "http://167772161/"                       | url
          hex private           | "url": "http://0xa000001/"                       | url
          credentials in url    | "url": "https://user:pw@example.com/"            | url
          blank name            | "name": " "                                      | name
          bad key               | "key": "has space"                               | key
          bad method            | "method": "FETCH"                                | method
          body on GET           | "method": "GET", "body": "x"                     | body
          reserved header       | "headers": {"Host": "evil.example"}              | headers.Host
          runlater header       | "headers": {"Runlater-Attempt": "9"}             | headers.Runlater-Attempt
          header line break     | "headers": {"X-A": "a\\r\\nX-B: b"}              | headers.X-A
          unknown secret header | "secret_headers": ["X-Nope"]                     | secret_headers
          timeout too short     | "timeout_ms": 999                                | timeout_ms
          timeout too long      | "timeout_ms": 300001                             | timeout_ms
          too many retries      | "retries": 11                                    | retries
          negative retries      | "retries": -1                                    | retries
          no schedule           | "schedule": null                                 | schedule
          unknown schedule type | "schedule": {"type": "weekly"}                   | schedule.type
          cron no expression    | "schedule": {"type": "cron"}                     | schedule.expression
          cron bad field        | "schedule": {"type": "cron", "expression": "61 * * * *"} | schedule.expression
          cron never fires      | "schedule": {"type": "cron", "expression": "0 0 31 2 *"} | schedule.expression
          cron bad zone         | "schedule": {"type": "cron", "expression": "* * * * *", "timezone": "Mars/Olympus"} | schedule.timezone
          cron with at          | "schedule": {"type": "cron", "expression": "* * * * *", "at": "2030-01-01T00:00:00Z"} | schedule
          bad catch_up          | "catch_up": "some"                               | catch_up
          bad overlap           | "overlap": "queue"                               | overlap
          at and delay          | "schedule": {"type": "once", "at": "2030-01-01T00:00:00Z", "delay": "1s"} | schedule
          bad delay             | "schedule": {"type": "once", "delay": "soon"}    | schedule.delay
          past at               | "schedule": {"type": "once", "at": "2020-01-01T00:00:00Z"} | schedule.at
          bad at                | "schedule": {"type": "once", "at": "tomorrow"}   | schedule.at
          local at without zone | "schedule": {"type": "once", "at": "2030-01-01T09:00"} | schedule.at
          local at in DST gap   | "schedule": {"type": "once", "at": "2027-03-28T02:30", "timezone": "Europe/Oslo"} | schedule.at
          once bad zone         | "schedule": {"type": "once", "delay": "1h", "timezone": "Mars/Olympus"} | schedule.timezone
          once with expression  | "schedule": {"type": "once", "delay": "1h", "expression": "* * * * *"} | schedule
          beyond a year         | "schedule": {"type": "once", "delay": "400d"}    | schedule
          wrong type            | "retries": "five"                                | retries
          unknown field         | "retrys": 3                                      | retrys
          """)
  void bad_input_is_422_naming_the_field_and_creates_nothing(
      String description, String override, String field) {
    var tenant = fixtures.tenant();
    String body =
        """
        {"name": "valid", "url": "https://example.com/hook", "method": "POST",
         "schedule": {"type": "once", "delay": "1h"}, %s}
        """
            .formatted(override);
    var response = api.post("/api/v1/jobs", tenant.key(), fixNulls(body));
    assertThat(response.status()).as(response.body()).isEqualTo(422);
    assertThat(response.contentType()).startsWith("application/problem+json");
    var errors = response.json().get("errors");
    assertThat(errors.valueStream().map(e -> e.get("field").asString())).contains(field);
    assertThat(errors.get(0).get("message").asString()).isNotBlank();
    assertThat(jobsOf(tenant.id())).isZero();
    assertThat(
            jdbc.sql("SELECT count(*) FROM tasks WHERE organization_id = :o")
                .param("o", tenant.id())
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void a_body_over_256_kb_is_413_and_creates_nothing() {
    var tenant = fixtures.tenant();
    String body =
        """
        {"name": "big", "url": "https://example.com/hook", "body": "%s",
         "schedule": {"type": "once", "delay": "1h"}}
        """
            .formatted("x".repeat(257 * 1024));
    assertThat(api.post("/api/v1/jobs", tenant.key(), body).status()).isEqualTo(413);
    assertThat(jobsOf(tenant.id())).isZero();
  }

  @Test
  void a_duplicate_key_is_409_and_the_first_job_stays() {
    var tenant = fixtures.tenant();
    String body =
        """
        {"name": "one", "key": "nightly", "url": "https://example.com/hook",
         "schedule": {"type": "once", "delay": "1h"}}
        """;
    assertThat(api.post("/api/v1/jobs", tenant.key(), body).status()).isEqualTo(201);
    var again = api.post("/api/v1/jobs", tenant.key(), body.replace("\"one\"", "\"two\""));
    assertThat(again.status()).isEqualTo(409);
    assertThat(jobsOf(tenant.id())).isEqualTo(1);
  }

  @Test
  void an_invalid_patch_is_422_and_changes_nothing() {
    var tenant = fixtures.tenant();
    String id =
        api.post(
                "/api/v1/jobs",
                tenant.key(),
                """
                {"name": "keep", "url": "https://example.com/hook",
                 "schedule": {"type": "once", "delay": "1h"}}
                """)
            .json()
            .get("id")
            .asString();
    var response =
        api.patch("/api/v1/jobs/" + id, tenant.key(), "{\"name\": \"new\", \"retries\": 99}");
    assertThat(response.status()).isEqualTo(422);
    assertThat(api.get("/api/v1/jobs/" + id, tenant.key()).json().get("name").asString())
        .isEqualTo("keep");
  }

  private long jobsOf(java.util.UUID org) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE organization_id = :o")
        .param("o", org)
        .query(Long.class)
        .single();
  }

  /** {@code "url": null} in a row means "remove the url": drop the earlier member instead. */
  private static String fixNulls(String body) {
    if (body.contains("\"url\": null")) {
      return body.replace("\"url\": \"https://example.com/hook\", ", "")
          .replace(", \"url\": null", "");
    }
    if (body.contains("\"schedule\": null")) {
      return body.replace("\"schedule\": {\"type\": \"once\", \"delay\": \"1h\"}, ", "")
          .replace(", \"schedule\": null", "");
    }
    return body;
  }
}
