package eu.runlater.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Fixtures.TestUser;
import eu.runlater.support.Mailbox;
import eu.runlater.testing.Sink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workflows as a subject of alerts, end to end through real channels: a signed webhook receiver (a
 * real HTTP server) and email (the real mail transport, into the dev mailbox).
 */
class WorkflowAlertsTest extends WorkflowApiTest {
  static final JsonMapper JSON = JsonMapper.builder().build();

  Sink receiver;

  @BeforeEach
  void receiver() {
    receiver = Sink.start();
  }

  @AfterEach
  void closeReceiver() {
    receiver.close();
  }

  String channel(String kind, String settings) {
    var r =
        api.post(
            "/api/v1/alert-channels",
            t.key(),
            "{\"name\": \"%s\", \"kind\": \"%s\", \"settings\": %s}"
                .formatted(kind + "-" + t.id(), kind, settings));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  List<JsonNode> told() {
    return receiver.received().stream()
        .map(r -> JSON.readTree(new String(r.body(), StandardCharsets.UTF_8)))
        .toList();
  }

  @Test
  void a_failing_workflow_alerts_once_for_two_failed_runs_and_a_successful_run_resolves_it() {
    channel("webhook", "{\"url\": \"%s\"}".formatted(receiver.url("/hook")));
    // No group window: the recovery goes as soon as it happens, not a minute after the alert.
    var rule = api.put("/api/v1/alert-rules/default", t.key(), "{\"group_window_seconds\": 0}");
    assertThat(rule.status()).as(rule.body()).isEqualTo(200);
    AtomicInteger status = new AtomicInteger(503);
    target.respond(r -> json(status.get(), "{\"ok\": false}"));
    define("billing", http("charge", "/charge", "\"retries\": 0"));

    String first = startRun("billing", "{}");
    awaitState(first, "failed");
    String second = startRun("billing", "{}");
    awaitState(second, "failed");
    receiver.awaitCount(1, WITHIN);
    JsonNode alert = told().getFirst();
    assertThat(alert.get("type").asString()).isEqualTo("alert.opened");
    JsonNode incident = alert.get("incidents").get(0);
    assertThat(incident.get("subject").get("kind").asString()).isEqualTo("workflow");
    assertThat(incident.get("subject").get("name").asString()).isEqualTo("billing");
    assertThat(incident.get("subject").get("url").asString()).endsWith("/workflows/billing");
    assertThat(incident.get("last_error").asString())
        .contains("run " + second, "step charge failed", "HTTP 503");
    assertThat(incident.get("execution_url").asString()).contains("/executions/");

    status.set(200);
    awaitState(startRun("billing", "{}"), "succeeded");
    receiver.awaitCount(2, WITHIN);
    JsonNode recovery = told().get(1);
    assertThat(recovery.get("type").asString()).isEqualTo("alert.recovered");
    assertThat(recovery.get("incidents").get(0).get("id").asString())
        .isEqualTo(incident.get("id").asString());

    JsonNode incidents =
        api.get("/api/v1/alert-incidents?subject_kind=workflow", t.key()).json().get("data");
    assertThat(incidents).hasSize(1);
    assertThat(incidents.get(0).get("state").asString()).isEqualTo("closed");
    // Nothing more is coming: a cancelled run is neither a failure nor a success.
    String cancelled = startRunWaiting();
    assertThat(api.post("/api/v1/workflow-runs/" + cancelled + "/cancel", t.key(), "").status())
        .isEqualTo(200);
    assertThat(receiver.count()).isEqualTo(2);
  }

  /** A run of a second workflow that waits for an event, to cancel. */
  private String startRunWaiting() {
    define(
        "waits",
        "{\"name\": \"w\", \"kind\": \"wait_for_event\", \"event\": \"never\", \"timeout\": \"1h\"}");
    return startRun("waits", "{}");
  }

  @Test
  void a_workflow_rule_of_its_own_mutes_it_and_refuses_a_failure_rate() {
    define("quiet", http("x", "/x", ""));
    var muted =
        api.put("/api/v1/alert-rules/workflows/quiet", t.key(), "{\"muted_until\": \"forever\"}");
    assertThat(muted.status()).as(muted.body()).isEqualTo(200);
    assertThat(muted.json().get("subject_kind").asString()).isEqualTo("workflow");
    assertThat(muted.json().get("effective").get("muted_until").asString()).isEqualTo("forever");
    var rate =
        api.put("/api/v1/alert-rules/workflows/quiet", t.key(), "{\"trigger\": \"failure_rate\"}");
    assertThat(rate.status()).as(rate.body()).isEqualTo(422);
    assertThat(rate.json().get("errors").get(0).get("field").asString()).isEqualTo("trigger");
    assertThat(api.get("/api/v1/alert-rules/workflows/nope", t.key()).status()).isEqualTo(404);

    // The workflow's page has its alerts section, as a job's page has.
    String id = api.get("/api/v1/workflows/quiet", t.key()).json().get("id").asString();
    Browser browser = signIn(fixtures.user(t.id(), Role.ADMIN));
    String page = browser.get("/workflows/quiet").body();
    assertThat(page)
        .contains("id=\"alerts\"", "Muted until someone unmutes it.", "It follows the organization")
        .contains("action=\"/alerts/rules/workflow/" + id + "\"")
        .doesNotContain("value=\"failure_rate\"");
  }

  @Test
  void an_approval_mails_its_assignee_once_with_the_inbox_link_and_its_escalation_the_new_ones() {
    TestUser alice = fixtures.user(t.id(), Role.MEMBER);
    TestUser admin = fixtures.user(t.id(), Role.ADMIN);
    String ops = "ops-" + t.id() + "@example.com";
    channel("email", "{\"addresses\": [\"%s\"]}".formatted(ops));
    channel("webhook", "{\"url\": \"%s\"}".formatted(receiver.url("/hook")));
    define(
        "deploy",
        WorkflowApprovalsTest.approval(
            "sign_off",
            ("\"assignees\": {\"users\": [\"%s\"]}, \"timeout\": \"1h\","
                    + " \"escalate\": {\"after\": \"2s\", \"to\": {\"roles\": [\"admin\"]}}")
                .formatted(alice.email())));
    String id = startRun("deploy", "{}");
    Mailbox mailbox = new Mailbox(jdbc);
    Sink.await(WITHIN, "the mail to the assignee", () -> !mailbox.to(alice.email()).isEmpty());
    Mailbox.Message mail = mailbox.latestTo(alice.email());
    assertThat(mail.subject()).isEqualTo("[Waiting for you] Approval waiting: deploy → sign_off");
    assertThat(mail.body())
        .contains("waits for a decision by " + alice.email(), "run " + id)
        .contains("Decide in the approvals inbox: http")
        .contains("/workflows/approvals");

    Sink.await(WITHIN, "the escalation's mail", () -> !mailbox.to(admin.email()).isEmpty());
    assertThat(mailbox.latestTo(admin.email()).subject())
        .isEqualTo("[Waiting for you] Approval escalated: deploy → sign_off");
    assertThat(mailbox.latestTo(admin.email()).body()).contains("anyone with the role admin");
    // The email channel mails the people the approval concerns, not its own list.
    assertThat(mailbox.to(ops)).isEmpty();
    assertThat(mailbox.to(alice.email())).hasSize(1);

    receiver.awaitCount(2, WITHIN);
    JsonNode notice = told().getFirst();
    assertThat(notice.get("type").asString()).isEqualTo("alert.notice");
    assertThat(notice.get("headline").asString()).isEqualTo("Approval waiting: deploy → sign_off");
    assertThat(notice.get("incidents").get(0).get("action_url").asString())
        .endsWith("/workflows/approvals");
    JsonNode log = api.get("/api/v1/alert-notifications?kind=notice", t.key()).json().get("data");
    assertThat(log).hasSize(4);
  }
}
