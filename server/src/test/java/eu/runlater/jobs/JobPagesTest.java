package eu.runlater.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.ServerTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The jobs pages over real HTTP, signed in as a member. */
class JobPagesTest extends ServerTest {
  private static final Pattern JOB_ROW = Pattern.compile("data-job-id=\"([0-9a-f-]{36})\"");

  /** A yearly schedule: nothing runs while a test looks. */
  private static final String YEARLY = "0 0 1 1 *";

  @Autowired JobCommands jobs;
  @Autowired JobReads reads;
  @Autowired JobValidator validator;
  @Autowired JdbcClient jdbc;

  @Test
  void each_jobs_page_renders_for_a_member() {
    var org = fixtures.tenant();
    Job job =
        job(
            org.id(),
            "Nightly report",
            "https://example.com/report",
            YEARLY,
            "Europe/Oslo",
            Map.of("Authorization", "Bearer s3cret-token", "X-Plain", "visible"));
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));

    var list = browser.get("/jobs");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains("Nightly report").contains("https://example.com/report");

    var detail = browser.get("/jobs/" + job.id());
    assertThat(detail.status()).isEqualTo(200);
    assertThat(detail.body())
        .contains("Nightly report")
        .contains("Europe/Oslo")
        .contains("Last 24 hours")
        .contains("Success rate, last 30 days")
        .contains("Planned vs actual")
        .contains("Execution history")
        .contains("visible")
        .contains("••••••")
        .doesNotContain("s3cret-token");
    // The next runs, in the job's zone: five of them, on 1 January.
    assertThat(count(detail.body(), "-01-01 00:00:00 CET")).isEqualTo(5);

    assertThat(browser.get("/jobs/new").status()).isEqualTo(200);
    var edit = browser.get("/jobs/" + job.id() + "/edit");
    assertThat(edit.status()).isEqualTo(200);
    assertThat(edit.body())
        .contains("value=\"Nightly report\"")
        .contains(YEARLY)
        .doesNotContain("s3cret-token");
  }

  @Test
  void an_organization_without_jobs_learns_what_a_job_is_and_creates_a_sample_in_one_click() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var empty = browser.get("/jobs");
    assertThat(empty.body()).contains("A <strong>job</strong> is").contains("Create a sample job");

    var created = browser.post("/jobs/sample", Map.of());
    assertThat(created.status()).isEqualTo(302);
    UUID id = UUID.fromString(created.redirectPath().substring("/jobs/".length()));
    Job sample = reads.get(org.id(), id);
    assertThat(sample.name()).isEqualTo("Sample: ping example.com");
    assertThat(sample.request().url()).isEqualTo("https://example.com/");
    assertThat(sample.request().method()).isEqualTo("GET");
    assertThat(((Schedule.Cron) sample.schedule()).cron().expression()).isEqualTo("*/5 * * * *");
    jobs.delete(org.id(), id);

    // The free tier allows no schedule under an hour: its sample runs hourly.
    var free = fixtures.tenant(eu.runlater.organizations.Tier.FREE);
    Browser member = signIn(fixtures.user(free.id(), Role.MEMBER));
    assertThat(member.get("/jobs").body()).contains("every hour");
    var hourly = member.post("/jobs/sample", Map.of());
    Job freeSample = reads.get(free.id(), UUID.fromString(hourly.redirectPath().substring(6)));
    assertThat(((Schedule.Cron) freeSample.schedule()).cron().expression()).isEqualTo("0 * * * *");
    jobs.delete(free.id(), freeSample.id());
  }

  @Test
  void the_list_searches_filters_sorts_and_pages() {
    var org = fixtures.tenant();
    for (int i = 1; i <= 27; i++) {
      job(org.id(), "Batch job %02d".formatted(i), "https://batch.example.com/" + i, YEARLY);
    }
    Job byUrl = job(org.id(), "Alpha", "https://special.example.org/hook", YEARLY);
    Job failing = job(org.id(), "Zulu failing", "https://example.com/zulu", YEARLY);
    execution(org.id(), failing.id(), "failed", 500);
    Job healthy = job(org.id(), "Yankee healthy", "https://example.com/yankee", YEARLY);
    execution(org.id(), healthy.id(), "success", 200);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs");
    assertThat(browser.post("/jobs/" + byUrl.id() + "/disable", Map.of()).status()).isEqualTo(302);

    // 30 jobs: 25 on the first page, 5 on the second.
    var first = browser.get("/jobs");
    assertThat(rows(first.body())).hasSize(25);
    assertThat(first.body()).contains("Page 1 of 2");
    assertThat(rows(browser.get("/jobs?page=2").body())).hasSize(5);

    assertThat(rows(browser.get("/jobs?q=special.example").body()))
        .containsExactly(byUrl.id().toString());
    assertThat(rows(browser.get("/jobs?q=batch+job+1").body())).hasSize(10);
    var none = browser.get("/jobs?q=nothing-like-this");
    assertThat(rows(none.body())).isEmpty();
    assertThat(none.body()).contains("No jobs match").doesNotContain("Create a sample job");

    assertThat(rows(browser.get("/jobs?state=disabled").body()))
        .containsExactly(byUrl.id().toString());
    assertThat(rows(browser.get("/jobs?state=enabled").body())).hasSize(25);
    assertThat(rows(browser.get("/jobs?health=failing").body()))
        .containsExactly(failing.id().toString());
    assertThat(rows(browser.get("/jobs?health=healthy&q=e").body()))
        .contains(healthy.id().toString())
        .doesNotContain(failing.id().toString());

    assertThat(rows(browser.get("/jobs?sort=name").body()).getFirst())
        .isEqualTo(byUrl.id().toString());
    // Pages by name and by age split the whole ordered list, each job once.
    var byName = new java.util.ArrayList<>(rows(browser.get("/jobs?sort=name").body()));
    byName.addAll(rows(browser.get("/jobs?sort=name&page=2").body()));
    assertThat(byName).doesNotHaveDuplicates().hasSize(30).endsWith(failing.id().toString());
    var byAge = new java.util.ArrayList<>(rows(browser.get("/jobs").body()));
    byAge.addAll(rows(browser.get("/jobs?page=2").body()));
    assertThat(byAge).doesNotHaveDuplicates().hasSize(30).startsWith(healthy.id().toString());
    assertThat(rows(browser.get("/jobs?sort=last-run").body()).getFirst())
        .isIn(failing.id().toString(), healthy.id().toString());

    // Search as you type answers with the results fragment alone.
    var partial = browser.htmx("/jobs?q=special");
    assertThat(partial.body()).contains("id=\"job-results\"").doesNotContain("<html");
    assertThat(rows(partial.body())).containsExactly(byUrl.id().toString());
  }

  @Test
  void a_job_created_through_the_form_exists_and_its_page_is_shown() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    Map<String, String> form = validForm("Form job");
    form.put("body", "{\"hello\": \"world\"}");
    var page = browser.post("/jobs", form);
    assertThat(page.status()).as(page.body()).isEqualTo(302);
    UUID id = UUID.fromString(page.redirectPath().substring("/jobs/".length()));
    Job job = reads.get(org.id(), id);
    assertThat(job.name()).isEqualTo("Form job");
    assertThat(job.request().method()).isEqualTo("POST");
    assertThat(job.request().url()).isEqualTo("https://example.com/hook");
    assertThat(job.request().timeoutMs()).isEqualTo(10_000);
    assertThat(job.retries()).isEqualTo(2);
    assertThat(job.overlap()).isEqualTo(Policies.Overlap.FORBID);
    assertThat(job.schedule())
        .isInstanceOfSatisfying(
            Schedule.Cron.class,
            c -> {
              assertThat(c.cron().expression()).isEqualTo(YEARLY);
              assertThat(c.zone().getId()).isEqualTo("America/New_York");
            });
    assertThat(new String(job.request().body())).isEqualTo("{\"hello\": \"world\"}");
    assertThat(job.request().headers())
        .anySatisfy(h -> assertThat(h.value()).isEqualTo("application/json"));
    // The Authorization header is sealed, so it is not among the plain headers.
    assertThat(job.request().secretHeaderNames()).contains("Authorization");
    assertThat(browser.get(page.redirectPath()).body()).contains("Created “Form job”.");
  }

  @Test
  void a_one_time_job_is_read_in_the_chosen_time_zone() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    Map<String, String> form = validForm("Once job");
    form.put("scheduleType", "once");
    form.put("at", "2099-06-01T09:30");
    form.put("timezone", "Europe/Oslo");
    var page = browser.post("/jobs", form);
    // 2099 is more than a year ahead: refused, nothing created.
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("at most one year ahead");

    String at = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusMonths(1) + "T09:30";
    form.put("at", at);
    page = browser.post("/jobs", form);
    assertThat(page.status()).as(page.body()).isEqualTo(302);
    Job job = reads.get(org.id(), UUID.fromString(page.redirectPath().substring(6)));
    java.time.ZonedDateTime inOslo =
        java.time.LocalDateTime.parse(at).atZone(java.time.ZoneId.of("Europe/Oslo"));
    assertThat(((Schedule.Once) job.schedule()).at()).isEqualTo(inOslo.toInstant());

    // The zone is remembered: the job's page and its edit form show the time as it was entered.
    String shown =
        java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss z").format(inOslo);
    assertThat(browser.get("/jobs/" + job.id()).body()).contains("Once, at " + shown);
    assertThat(browser.get("/jobs").body()).contains("Once, " + shown);
    String edit = browser.get("/jobs/" + job.id() + "/edit").body();
    assertThat(edit)
        .contains("name=\"at\" type=\"datetime-local\" value=\"" + at + "\"")
        .contains("value=\"Europe/Oslo\"");

    // Saved unchanged, it keeps its time and zone; moved to another zone, the same clock time.
    Map<String, String> again = new java.util.HashMap<>(form);
    again.put("name", "Once job, renamed");
    assertThat(browser.post("/jobs/" + job.id(), again).status()).isEqualTo(302);
    assertThat(reads.get(org.id(), job.id()).schedule())
        .isEqualTo(new Schedule.Once(inOslo.toInstant(), java.time.ZoneId.of("Europe/Oslo")));
    again.put("timezone", "America/New_York");
    assertThat(browser.post("/jobs/" + job.id(), again).status()).isEqualTo(302);
    java.time.ZonedDateTime inNewYork =
        java.time.LocalDateTime.parse(at).atZone(java.time.ZoneId.of("America/New_York"));
    assertThat(reads.get(org.id(), job.id()).schedule())
        .isEqualTo(new Schedule.Once(inNewYork.toInstant(), inNewYork.getZone()));
  }

  @Test
  void an_invalid_form_is_shown_again_with_each_error_beside_its_field_and_nothing_is_created() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    Map<String, String> form = validForm("Kept name");
    form.put("cron", "61 * * * *");
    form.put("body", "{not json");
    var page = browser.post("/jobs", form);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("The job was not saved")
        .contains("value=\"Kept name\"")
        .contains("value=\"61 * * * *\"")
        .contains("{not json")
        .contains("is not valid JSON");
    assertThat(fieldErrors(page.body())).anyMatch(e -> e.contains("61") || e.contains("minute"));
    assertThat(jobCount(org.id())).isZero();

    form.put("cron", YEARLY);
    form.put("body", "");
    form.put("url", "not a url");
    form.put("timeoutSeconds", "9999");
    form.put("headerName", "User-Agent");
    form.put("headerValue", "mine");
    page = browser.post("/jobs", form);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("1 s to 5 min")
        .contains("Header “User-Agent” is set by Runlater itself")
        .contains("value=\"not a url\"");
    assertThat(jobCount(org.id())).isZero();
  }

  @Test
  void a_one_time_job_without_a_valid_time_shows_one_error_in_the_forms_words() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    Map<String, String> form = validForm("Once, badly");
    form.put("scheduleType", "once");
    String later = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(7) + "T09:30";
    record Case(String at, String timezone, String error) {}
    for (Case c :
        new Case[] {
          new Case("", "UTC", "Run at is missing: pick the date and time to run"),
          new Case(
              "next tuesday", "UTC", "Run at must be a date and time such as 2026-01-31T09:00"),
          new Case(later, "Mars/Base", "Time zone 'Mars/Base' is not an IANA time zone"),
          // Oslo's clocks go from 02:00 to 03:00 on 28 March 2027.
          new Case(
              "2027-03-28T02:30",
              "Europe/Oslo",
              "Run at does not exist in Europe/Oslo: the clocks skip it for daylight saving time")
        }) {
      form.put("at", c.at());
      form.put("timezone", c.timezone());
      var page = browser.post("/jobs", form);
      assertThat(page.status()).as(c.at()).isEqualTo(200);
      assertThat(fieldErrors(page.body()))
          .as(c.at())
          .singleElement()
          .satisfies(e -> assertThat(e.replace("&#39;", "'")).startsWith(c.error()));
      assertThat(page.body()).as(c.at()).doesNotContain("exactly one of");
    }
    assertThat(jobCount(org.id())).isZero();

    // A time the clocks show twice (back from 03:00 to 02:00 on 31 October 2027) is the first.
    form.put("at", "2027-10-31T02:30");
    form.put("timezone", "Europe/Oslo");
    assertThat(browser.post("/jobs", form).status()).isEqualTo(302);
    assertThat(
            jdbc.sql("SELECT run_at FROM jobs WHERE organization_id = :org")
                .param("org", org.id())
                .query((rs, n) -> rs.getTimestamp("run_at").toInstant())
                .single())
        .isEqualTo(Instant.parse("2027-10-31T00:30:00Z"));
  }

  @Test
  void a_one_time_job_whose_time_has_passed_can_still_be_renamed() {
    var org = fixtures.tenant();
    Job job =
        pastOnceJob(org.id(), "Ran once", "https://example.com/once", "GET", false, "3 hours");
    Instant past = ((Schedule.Once) reads.get(org.id(), job.id()).schedule()).at();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var edit = browser.get("/jobs/" + job.id() + "/edit");
    Matcher at =
        Pattern.compile("name=\"at\" type=\"datetime-local\" value=\"([^\"]+)\"")
            .matcher(edit.body());
    assertThat(at.find()).as(edit.body()).isTrue();
    Map<String, String> form = validForm("Renamed after it ran");
    form.put("scheduleType", "once");
    form.put("at", at.group(1));
    form.put("timezone", "UTC");
    form.put("method", "GET");
    form.remove("enabled");
    var saved = browser.post("/jobs/" + job.id(), form);
    assertThat(saved.redirectPath()).as(saved.body()).isEqualTo("/jobs/" + job.id());
    Job after = reads.get(org.id(), job.id());
    assertThat(after.name()).isEqualTo("Renamed after it ran");
    assertThat(((Schedule.Once) after.schedule()).at()).isEqualTo(past);

    // Moving it to another past time is refused.
    form.put("at", "2001-01-01T00:00");
    var refused = browser.post("/jobs/" + job.id(), form);
    assertThat(refused.status()).isEqualTo(200);
    assertThat(refused.body()).contains("is in the past");
  }

  @Test
  void a_timeout_in_milliseconds_survives_an_edit_that_leaves_it_alone() {
    var org = fixtures.tenant();
    JobInput input =
        new JobInput(
            "Precise",
            null,
            "https://example.com/precise",
            "GET",
            null,
            null,
            null,
            null,
            2500,
            null,
            new JobInput.ScheduleInput("cron", null, null, YEARLY, "UTC"),
            true,
            null,
            null,
            null);
    Job job = jobs.create(org.id(), validator.validate(input, Instant.now()));
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var edit = browser.get("/jobs/" + job.id() + "/edit");
    Matcher shown =
        Pattern.compile("name=\"timeoutSeconds\"[^>]*value=\"([^\"]*)\"").matcher(edit.body());
    assertThat(shown.find()).as(edit.body()).isTrue();
    assertThat(shown.group(1)).isEqualTo("2.5");

    Map<String, String> form = validForm("Precise, renamed");
    form.put("method", "GET");
    form.put("headerName", "");
    form.put("headerValue", "");
    form.put("timeoutSeconds", shown.group(1));
    var saved = browser.post("/jobs/" + job.id(), form);
    assertThat(saved.redirectPath()).as(saved.body()).isEqualTo("/jobs/" + job.id());
    assertThat(reads.get(org.id(), job.id()).request().timeoutMs()).isEqualTo(2500);

    form.put("timeoutSeconds", "1.234");
    browser.post("/jobs/" + job.id(), form);
    assertThat(reads.get(org.id(), job.id()).request().timeoutMs()).isEqualTo(1234);

    // What cannot be a timeout is said in seconds, once, beside the field.
    for (String wrong : new String[] {"2.0005", "0.5", "soon"}) {
      form.put("timeoutSeconds", wrong);
      var refused = browser.post("/jobs/" + job.id(), form);
      assertThat(refused.status()).as(wrong).isEqualTo(200);
      assertThat(fieldErrors(refused.body()))
          .as(wrong)
          .singleElement()
          .satisfies(e -> assertThat(e).startsWith("Timeout ").contains("seconds"));
    }
    assertThat(reads.get(org.id(), job.id()).request().timeoutMs()).isEqualTo(1234);
  }

  @Test
  void a_tier_limit_is_shown_on_the_form_and_creates_nothing() {
    var org = fixtures.tenant(eu.runlater.organizations.Tier.FREE);
    Integer limit = eu.runlater.organizations.Tier.FREE.limits().jobs();
    for (int i = 0; i < limit; i++) {
      job(org.id(), "Free " + i, "https://example.com/free", YEARLY);
    }
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    var page = browser.post("/jobs", validForm("One too many"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body())
        .contains("tier allows " + limit + " jobs")
        .contains("value=\"One too many\"");
    assertThat(jobCount(org.id())).isEqualTo(limit.longValue());
  }

  @Test
  void a_key_already_in_use_is_shown_beside_the_key_field() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    Map<String, String> form = validForm("Keyed");
    form.put("key", "reports/nightly");
    assertThat(browser.post("/jobs", form).status()).isEqualTo(302);
    browser.get("/jobs/new");
    form.put("name", "Keyed again");
    var page = browser.post("/jobs", form);
    assertThat(page.status()).isEqualTo(200);
    assertThat(fieldErrors(page.body()))
        .contains("Key is already used by another job; choose another");
    assertThat(jobCount(org.id())).isEqualTo(1);
  }

  @Test
  void the_cron_preview_describes_a_valid_expression_with_five_runs_and_explains_an_invalid_one() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var valid = browser.htmx("/jobs/preview?cron=0+9+*+*+1-5&timezone=Asia/Tokyo");
    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.body()).contains("id=\"cron-preview\"").doesNotContain("<html");
    assertThat(valid.body()).containsIgnoringCase("monday").containsIgnoringCase("friday");
    assertThat(count(valid.body(), "09:00:00 JST")).isEqualTo(5);

    var invalid = browser.htmx("/jobs/preview?cron=*+*+*&timezone=UTC");
    assertThat(invalid.body()).contains("field-error").contains("Cron expression");
    // A zone being typed is not scolded (issue 14): the preview says it is not one yet, and the
    // submit refuses it beside the field.
    var zone = browser.htmx("/jobs/preview?cron=*/5+*+*+*+*&timezone=Mars/Base");
    assertThat(zone.body()).contains("not a time zone yet").doesNotContain("field-error");
    var city = browser.htmx("/jobs/preview?cron=0+9+*+*+*&timezone=oslo");
    assertThat(city.body()).contains("Time zone: Europe/Oslo").contains("09:00:00 CE");
  }

  @Test
  void the_body_check_and_header_rows_are_fragments() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/new");
    var bad = browser.post("/jobs/body-check", Map.of("body", "{\"a\":", "bodyFormat", "json"));
    assertThat(bad.body()).contains("is not valid JSON").doesNotContain("<html");
    var good = browser.post("/jobs/body-check", Map.of("body", "{\"a\":1}", "bodyFormat", "json"));
    assertThat(good.body()).contains("Valid JSON");
    var text = browser.post("/jobs/body-check", Map.of("body", "{\"a\":", "bodyFormat", "text"));
    assertThat(text.body()).doesNotContain("field-error");
    assertThat(browser.htmx("/jobs/header-row").body()).contains("name=\"headerName\"");
  }

  @Test
  void editing_keeps_masked_secrets_and_a_job_can_be_renamed() {
    var org = fixtures.tenant();
    Job job =
        job(
            org.id(),
            "Before",
            "https://example.com/x",
            YEARLY,
            "UTC",
            Map.of("Authorization", "Bearer keep-me"));
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var edit = browser.get("/jobs/" + job.id() + "/edit");
    assertThat(edit.body()).contains("value=\"••••••\"").doesNotContain("keep-me");
    Map<String, String> form = validForm("After");
    form.put("method", "GET");
    form.put("headerValue", "••••••");
    var saved = browser.post("/jobs/" + job.id(), form);
    assertThat(saved.redirectPath()).isEqualTo("/jobs/" + job.id());
    Job after = reads.get(org.id(), job.id());
    assertThat(after.name()).isEqualTo("After");
    assertThat(reads.draftOf(after).headers())
        .anySatisfy(
            h -> {
              assertThat(h.name()).isEqualTo("Authorization");
              assertThat(h.value()).isEqualTo("Bearer keep-me");
            });

    form.put("cron", "bad");
    var invalid = browser.post("/jobs/" + job.id(), form);
    assertThat(invalid.status()).isEqualTo(200);
    assertThat(reads.get(org.id(), job.id()).schedule())
        .isInstanceOfSatisfying(
            Schedule.Cron.class, c -> assertThat(c.cron().expression()).isEqualTo(YEARLY));
  }

  @Test
  void a_renamed_secret_header_must_be_given_its_value_again_and_the_mask_is_never_saved() {
    var org = fixtures.tenant();
    Job job =
        job(
            org.id(),
            "Keyed call",
            "https://example.com/keyed",
            YEARLY,
            "UTC",
            Map.of("Authorization", "Bearer keep-me"));
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/" + job.id() + "/edit");
    Map<String, String> form = validForm("Renamed header");
    form.put("method", "GET");
    form.put("headerName", "X-Api-Key");
    form.put("headerValue", "••••••");
    var refused = browser.post("/jobs/" + job.id(), form);
    assertThat(refused.status()).isEqualTo(200);
    assertThat(fieldErrors(refused.body()))
        .contains(
            "Header “X-Api-Key” needs its value again: the name changed, so the stored value"
                + " does not carry over");
    Job after = reads.get(org.id(), job.id());
    assertThat(after.name()).isEqualTo("Keyed call");
    assertThat(reads.draftOf(after).headers())
        .extracting(h -> h.name() + ": " + h.value())
        .containsExactly("Authorization: Bearer keep-me");

    // Typed again, the value is saved under the new name.
    form.put("headerValue", "k-123");
    assertThat(browser.post("/jobs/" + job.id(), form).redirectPath())
        .isEqualTo("/jobs/" + job.id());
    assertThat(reads.draftOf(reads.get(org.id(), job.id())).headers())
        .extracting(h -> h.name() + ": " + h.value())
        .containsExactly("X-Api-Key: k-123");

    // On a new job the mask is no value either.
    browser.get("/jobs/new");
    Map<String, String> fresh = validForm("Masked from the start");
    fresh.put("method", "GET");
    fresh.put("headerName", "X-Api-Key");
    fresh.put("headerValue", "••••••");
    var masked = browser.post("/jobs", fresh);
    assertThat(masked.status()).isEqualTo(200);
    assertThat(fieldErrors(masked.body()))
        .contains("Header “X-Api-Key” is the mask ••••••, not a value: type the value");
    assertThat(masked.body()).doesNotContain("Created");
  }

  @Test
  void quick_actions_disable_enable_run_clone_and_delete() {
    var org = fixtures.tenant();
    Job job = job(org.id(), "Acted on", "https://example.com/act", YEARLY);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs");

    var disabled = browser.post("/jobs/" + job.id() + "/disable", Map.of("back", "/jobs?q=Acted"));
    assertThat(disabled.redirectPath()).isEqualTo("/jobs?q=Acted");
    assertThat(reads.get(org.id(), job.id()).enabled()).isFalse();
    assertThat(browser.get("/jobs?q=Acted").body()).contains("is disabled");
    // Only the jobs pages are places to go back to.
    assertThat(
            browser
                .post("/jobs/" + job.id() + "/enable", Map.of("back", "https://evil.example/"))
                .redirectPath())
        .isEqualTo("/jobs/" + job.id());
    assertThat(reads.get(org.id(), job.id()).enabled()).isTrue();

    int before = tasksOf(job.id());
    var run = browser.post("/jobs/" + job.id() + "/run", Map.of());
    assertThat(run.redirectPath()).isEqualTo("/jobs/" + job.id());
    assertThat(tasksOf(job.id()) + executionsOf(job.id())).isGreaterThan(before);

    var cloned = browser.post("/jobs/" + job.id() + "/clone", Map.of());
    UUID copyId = UUID.fromString(cloned.redirectPath().substring("/jobs/".length()));
    assertThat(copyId).isNotEqualTo(job.id());
    assertThat(reads.get(org.id(), copyId).name()).isEqualTo("Copy of Acted on");
    assertThat(reads.get(org.id(), copyId).enabled()).isTrue();
    assertThat(browser.get(cloned.redirectPath()).body())
        .contains("Created “Copy of Acted on”.")
        .doesNotContain("created disabled");

    browser.get("/jobs/" + copyId);
    var deleted = browser.post("/jobs/" + copyId + "/delete", Map.of());
    assertThat(deleted.redirectPath()).isEqualTo("/jobs");
    assertThat(reads.find(org.id(), copyId)).isEmpty();
    assertThat(reads.find(org.id(), job.id())).isPresent();
  }

  @Test
  void cloning_a_one_time_job_whose_time_has_passed_makes_a_disabled_copy_and_says_so() {
    var org = fixtures.tenant();
    Job job = pastOnceJob(org.id(), "Charge", "https://example.com/charge", "POST", true, "1 day");
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs/" + job.id());

    var cloned = browser.post("/jobs/" + job.id() + "/clone", Map.of());
    UUID copyId = UUID.fromString(cloned.redirectPath().substring("/jobs/".length()));
    Job copy = reads.get(org.id(), copyId);
    assertThat(copy.enabled()).isFalse();
    assertThat(copy.pendingTaskId()).isNull();
    assertThat(tasksOf(copyId)).isZero();
    assertThat(browser.get(cloned.redirectPath()).body())
        .contains("“Copy of Charge” created disabled: set its time, then enable it.");
  }

  @Test
  void another_organizations_job_is_not_found_for_every_page_and_action() {
    var owner = fixtures.tenant();
    Job theirs = job(owner.id(), "Not yours", "https://example.com/theirs", YEARLY);
    var other = fixtures.tenant();
    Browser browser = signIn(fixtures.user(other.id(), Role.MEMBER));
    browser.get("/jobs");
    String base = "/jobs/" + theirs.id();
    for (String path : new String[] {base, base + "/edit"}) {
      var page = browser.get(path);
      assertThat(page.status()).as(path).isEqualTo(404);
      assertThat(page.body()).contains("Not found");
    }
    browser.get("/jobs");
    for (String action : new String[] {"/run", "/disable", "/enable", "/clone", "/delete", ""}) {
      var page = browser.post(base + action, validForm("Hijacked"));
      assertThat(page.status()).as(action).isEqualTo(404);
    }
    Job still = reads.get(owner.id(), theirs.id());
    assertThat(still.name()).isEqualTo("Not yours");
    assertThat(still.enabled()).isTrue();
    assertThat(jobCount(other.id())).isZero();
    assertThat(browser.get("/jobs/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(browser.get("/jobs/not-an-id").status()).isEqualTo(404);
    assertThat(browser.get("/executions/not-an-id").status()).isEqualTo(404);
  }

  @Test
  void a_malformed_job_id_is_the_not_found_page_on_every_jobs_page_and_action() {
    var org = fixtures.tenant();
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs");
    var pages =
        Map.of(
            "GET /jobs/not-an-id", browser.get("/jobs/not-an-id"),
            "GET /jobs/not-an-id/edit", browser.get("/jobs/not-an-id/edit"),
            "POST /jobs/not-an-id", browser.post("/jobs/not-an-id", validForm("Nowhere")),
            "POST /jobs/not-an-id/clone", browser.post("/jobs/not-an-id/clone", Map.of()));
    pages.forEach(
        (request, page) -> {
          assertThat(page.status()).as(request).isEqualTo(404);
          assertThat(page.body())
              .as(request)
              .contains("<html")
              .contains("Not found")
              .contains("There is nothing here, or it is not yours.");
        });
    assertThat(jobCount(org.id())).isZero();
  }

  @Test
  void the_detail_page_counts_the_last_day_charts_thirty_days_and_pages_the_history() {
    var org = fixtures.tenant();
    Job job = job(org.id(), "Busy", "https://example.com/busy", YEARLY);
    for (int i = 0; i < 23; i++) {
      execution(org.id(), job.id(), i % 4 == 0 ? "failed" : "success", i % 4 == 0 ? 500 : 200);
    }
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    var page = browser.get("/jobs/" + job.id());
    assertThat(page.status()).isEqualTo(200);
    String body = page.body();
    assertThat(body).contains(">23<").contains(">17<").contains(">6<").contains("1 ms");
    assertThat(body).contains("74% of 23 succeeded");
    // The planned-vs-actual strip says what each square is, for the eye and the screen reader.
    assertThat(body).containsPattern("aria-label=\"[^\"]+: succeeded, not planned\"");
    assertThat(count(body, "href=\"/executions/")).isGreaterThanOrEqualTo(20);
    Matcher older = Pattern.compile("before=([0-9a-f-]{36})").matcher(body);
    assertThat(older.find()).isTrue();
    var second = browser.get("/jobs/" + job.id() + "?before=" + older.group(1));
    assertThat(second.body()).contains("Newest");
    // A cursor that is no execution id is ignored, not an error.
    assertThat(browser.get("/jobs/" + job.id() + "?before=" + UUID.randomUUID()).status())
        .isEqualTo(200);
    assertThat(browser.get("/jobs?page=zero").status()).isEqualTo(200);
  }

  @Test
  void a_job_page_s_live_region_renders_again_only_when_that_job_changed() {
    var org = fixtures.tenant();
    Job job = job(org.id(), "Watched", "https://example.com/watched", YEARLY);
    Job other = job(org.id(), "Other", "https://example.com/other", YEARLY);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    String first = browser.get("/jobs/" + job.id()).body();
    assertThat(first).doesNotContain("href=\"/executions/");
    String refresh = liveRefresh(first);

    // Nothing happened to this job: no content, so htmx swaps nothing.
    var unchanged = browser.get(refresh);
    assertThat(unchanged.status()).isEqualTo(204);
    assertThat(unchanged.body()).isEmpty();
    // Another job's run is not this page's concern.
    execution(org.id(), other.id(), "success", 200);
    assertThat(browser.get(refresh).status()).isEqualTo(204);

    // This job's run is: the page again, with the run in it and a new version to wait from.
    execution(org.id(), job.id(), "failed", 500);
    var changed = browser.get(refresh);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body()).contains("href=\"/executions/");
    String next = liveRefresh(changed.body());
    assertThat(next).isNotEqualTo(refresh);
    assertThat(browser.get(next).status()).isEqualTo(204);

    // So is a change to the job itself.
    browser.post("/jobs/" + job.id() + "/disable", Map.of());
    browser.get("/jobs/" + job.id());
    assertThat(browser.get(next).status()).isEqualTo(200);

    // Another organization's job is not found, whatever version is claimed.
    Browser stranger = signIn(fixtures.user(fixtures.tenant().id(), Role.OWNER));
    assertThat(stranger.get(next).status()).isEqualTo(404);
    assertThat(stranger.get("/jobs/" + job.id() + "?since=null").status()).isEqualTo(404);
  }

  /** The URL a job page's live region re-fetches itself from. */
  private static String liveRefresh(String body) {
    Matcher m = Pattern.compile("id=\"job-live\"[^>]* hx-get=\"([^\"]+)\"").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1).replace("&amp;", "&");
  }

  @Test
  void forms_posted_without_the_csrf_token_are_refused_and_change_nothing() {
    var org = fixtures.tenant();
    Job job = job(org.id(), "Guarded", "https://example.com/guarded", YEARLY);
    Browser browser = signIn(fixtures.user(org.id(), Role.MEMBER));
    browser.get("/jobs");
    assertThat(browser.postRaw("/jobs/" + job.id() + "/delete", Map.of()).status()).isEqualTo(403);
    assertThat(browser.postRaw("/jobs", validForm("Forged")).status()).isEqualTo(403);
    assertThat(browser.postRaw("/jobs/sample", Map.of()).status()).isEqualTo(403);
    assertThat(reads.find(org.id(), job.id())).isPresent();
    assertThat(jobCount(org.id())).isEqualTo(1);
  }

  @Test
  void the_planned_versus_actual_window_shrinks_for_frequent_schedules() {
    Instant now = Instant.parse("2026-03-02T12:00:00Z");
    var everyMinute =
        new Schedule.Cron(
            eu.runlater.cron.CronSchedule.parse("* * * * *"), java.time.ZoneOffset.UTC);
    var hourly =
        new Schedule.Cron(
            eu.runlater.cron.CronSchedule.parse("0 * * * *"), java.time.ZoneOffset.UTC);
    assertThat(JobPages.timelineWindow(everyMinute, now))
        .containsExactly(java.time.Duration.ofMinutes(96), java.time.Duration.ofMinutes(12));
    assertThat(JobPages.timelineWindow(hourly, now))
        .containsExactly(java.time.Duration.ofDays(1), java.time.Duration.ofHours(6));
    assertThat(JobPages.timelineWindow(new Schedule.Once(now), now))
        .containsExactly(java.time.Duration.ofDays(1), java.time.Duration.ofHours(6));
  }

  // ---- helpers

  /** A valid HTTP job as the form posts it (also JobWorkflowFormTest's starting point). */
  static Map<String, String> validForm(String name) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("name", name);
    form.put("key", "");
    form.put("scheduleType", "cron");
    form.put("cron", YEARLY);
    form.put("timezone", "America/New_York");
    form.put("at", "");
    form.put("method", "POST");
    form.put("url", "https://example.com/hook");
    form.put("headerName", "Authorization");
    form.put("headerValue", "Bearer form-secret");
    form.put("body", "");
    form.put("bodyFormat", "json");
    form.put("timeoutSeconds", "10");
    form.put("retries", "2");
    form.put("catchUp", "latest");
    form.put("overlap", "forbid");
    form.put("enabled", "true");
    return form;
  }

  /** A one-time job whose time passed {@code ago} (an SQL interval) and that did not run. */
  private Job pastOnceJob(
      UUID org, String name, String url, String method, boolean enabled, String ago) {
    JobInput input =
        new JobInput(
            name,
            null,
            url,
            method,
            null,
            null,
            null,
            null,
            null,
            null,
            new JobInput.ScheduleInput("once", null, "1d", null, null),
            enabled,
            null,
            null,
            null);
    Job job = jobs.create(org, validator.validate(input, Instant.now()));
    jdbc.sql("UPDATE jobs SET run_at = now() - CAST(:ago AS interval) WHERE id = :id")
        .param("ago", ago)
        .param("id", job.id())
        .update();
    return job;
  }

  private Job job(UUID org, String name, String url, String cron) {
    return job(org, name, url, cron, "UTC", Map.of());
  }

  private Job job(
      UUID org, String name, String url, String cron, String zone, Map<String, String> headers) {
    JobInput input =
        new JobInput(
            name,
            null,
            url,
            "GET",
            new LinkedHashMap<>(headers),
            null,
            null,
            null,
            null,
            null,
            new JobInput.ScheduleInput("cron", null, null, cron, zone),
            true,
            null,
            null,
            null);
    return jobs.create(org, validator.validate(input, Instant.now()));
  }

  /** Records a finished attempt of {@code jobId}, as the engine would. */
  private Instant lastExecution = Instant.EPOCH;

  /**
   * An attempt that ran now, each in a millisecond of its own: attempts of one millisecond are one
   * occurrence to the timeline, which then shows only one of them.
   */
  private void execution(UUID org, UUID jobId, String status, int code) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    if (!now.isAfter(lastExecution)) {
      now = lastExecution.plusMillis(1);
    }
    lastExecution = now;
    Map<String, Object> p = new HashMap<>();
    p.put("id", Ids.v7(now));
    p.put("now", SqlTime.ts(now));
    p.put("org", org);
    p.put("task", UUID.randomUUID());
    p.put("job", jobId);
    p.put("status", status);
    p.put("code", code);
    jdbc.sql(
            """
            INSERT INTO executions (id, created_at, organization_id, task_id, source_kind,
                                    source_id, attempt, status, final, scheduled_for, due_at,
                                    started_at, finished_at, duration_us, status_code)
            VALUES (:id, :now, :org, :task, 'job', :job, 1, :status, true, :now, :now, :now,
                    :now, 1500, :code)
            """)
        .params(p)
        .update();
  }

  private int tasksOf(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM tasks WHERE source_id = :id")
        .param("id", jobId)
        .query(Integer.class)
        .single();
  }

  private int executionsOf(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM executions WHERE source_id = :id")
        .param("id", jobId)
        .query(Integer.class)
        .single();
  }

  private long jobCount(UUID org) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE organization_id = :org")
        .param("org", org)
        .query(Long.class)
        .single();
  }

  private static java.util.List<String> rows(String html) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    Matcher m = JOB_ROW.matcher(html);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  static java.util.List<String> fieldErrors(String html) {
    java.util.List<String> errors = new java.util.ArrayList<>();
    Matcher m = Pattern.compile("class=\"field-error\">([^<]*)<").matcher(html);
    while (m.find()) {
      errors.add(m.group(1));
    }
    return errors;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
