package eu.runlater.status;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.Fixtures;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

class PublicStatusPagesTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired PublicCache cache;
  @Autowired Subscribers subscribers;

  PublicStatusData data;
  Fixtures.Tenant tenant;
  String slug;
  UUID pageId;
  UUID apiComponent;
  UUID nightly;
  UUID incident;

  @BeforeEach
  void page() {
    data = new PublicStatusData(jdbc);
    tenant = fixtures.tenant();
    slug = "acme-" + UUID.randomUUID().toString().substring(0, 8);
    pageId = data.page(tenant.id(), slug, "Acme <Cloud>", null);
    apiComponent = data.component(pageId, "Core", "Public API", "manual", null, "operational");
    UUID jobId = UUID.randomUUID();
    nightly = data.component(pageId, "Core", "Nightly export", "job", jobId, "operational");
    data.component(pageId, "", "Billing", "manual", null, "degraded");
    data.failing(tenant.id(), "job", jobId, Instant.now().minus(Duration.ofHours(3)));
    Instant started = Instant.now().minus(Duration.ofMinutes(30));
    incident =
        data.incident(
            tenant.id(),
            "incident",
            "Slow API answers",
            "major",
            "identified",
            started,
            null,
            null,
            null,
            apiComponent);
    data.update(incident, "investigating", "We are looking into slow answers.", started);
    data.update(incident, "identified", "A database index was missing.", started.plusSeconds(600));
    Instant old = Instant.now().minus(Duration.ofDays(3));
    UUID past =
        data.incident(
            tenant.id(),
            "incident",
            "Login errors",
            "critical",
            "resolved",
            old,
            old.plusSeconds(7200),
            null,
            null,
            apiComponent);
    data.update(past, "resolved", "Fixed & deployed.", old.plusSeconds(7200));
    data.incident(
        tenant.id(),
        "maintenance",
        "Database upgrade",
        "minor",
        "scheduled",
        Instant.now().minusSeconds(60),
        null,
        Instant.now().plus(Duration.ofDays(2)),
        Instant.now().plus(Duration.ofDays(2)).plusSeconds(3600),
        nightly);
  }

  @Test
  void renders_the_page_with_components_incidents_and_maintenance() {
    Api.Response page = api.get("/status/" + slug, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body())
        .contains("Acme &lt;Cloud&gt;")
        .contains("Public API")
        .contains("Nightly export")
        .contains("Major outage") // the job's open failing incident, and so the page
        .contains("Partial outage") // the API under a major incident
        .contains("Degraded performance") // billing, as set
        .contains("Slow API answers")
        .contains("A database index was missing.")
        .contains("Database upgrade")
        .contains("Login errors")
        .contains("Fixed &amp; deployed.")
        .doesNotContain("<script");
    // 90 bars per component; the API's day of the critical incident is not all up.
    assertThat(page.body().split("class=\"bar ").length - 1).isEqualTo(3 * 90);
    assertThat(page.body()).contains("level-major");
    assertThat(page.headers().firstValue("ETag")).isPresent();
    assertThat(page.headers().firstValue("Last-Modified")).isPresent();
  }

  @Test
  void an_unknown_slug_is_a_404() {
    assertThat(api.get("/status/no-such-page-" + UUID.randomUUID(), null).status()).isEqualTo(404);
    assertThat(api.get("/status/no-such-page.json", null).status()).isEqualTo(404);
  }

  @Test
  void the_json_form_says_the_same() {
    Api.Response r = api.get("/status/" + slug + ".json", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/json");
    JsonNode json = r.json();
    assertThat(json.get("page").get("slug").asString()).isEqualTo(slug);
    assertThat(json.get("page").get("title").asString()).isEqualTo("Acme <Cloud>");
    assertThat(json.get("status").get("state").asString()).isEqualTo("major_outage");
    assertThat(json.get("components")).hasSize(3);
    JsonNode first = json.get("components").get(0);
    assertThat(first.get("name").asString()).isEqualTo("Public API");
    assertThat(first.get("group").asString()).isEqualTo("Core");
    assertThat(first.get("state").asString()).isEqualTo("partial_outage");
    assertThat(first.get("days")).hasSize(90);
    assertThat(json.get("components").get(1).get("state").asString()).isEqualTo("major_outage");
    assertThat(json.get("components").get(1).get("detail").asString())
        .isEqualTo("3 failed runs in a row");
    assertThat(json.get("incidents")).hasSize(1);
    assertThat(json.get("incidents").get(0).get("updates")).hasSize(2);
    assertThat(json.get("incidents").get(0).get("components").get(0).asString())
        .isEqualTo("Public API");
    assertThat(json.get("scheduled_maintenances")).hasSize(1);
    assertThat(json.get("past_incidents")).hasSize(1);
  }

  @Test
  void the_feeds_are_well_formed_atom_and_rss() throws Exception {
    Api.Response atom = api.get("/status/" + slug + "/feed.atom", null);
    assertThat(atom.status()).isEqualTo(200);
    assertThat(atom.contentType()).startsWith("application/atom+xml");
    Document a = xml(atom.body());
    assertThat(a.getDocumentElement().getLocalName()).isEqualTo("feed");
    assertThat(a.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
    assertThat(a.getElementsByTagNameNS("*", "entry").getLength()).isEqualTo(3);
    assertThat(atom.body())
        .contains("Slow API answers (Identified)")
        .contains("Fixed &amp; deployed.");

    Api.Response rss = api.get("/status/" + slug + "/feed.rss", null);
    assertThat(rss.status()).isEqualTo(200);
    assertThat(rss.contentType()).startsWith("application/rss+xml");
    Document r = xml(rss.body());
    assertThat(r.getDocumentElement().getTagName()).isEqualTo("rss");
    assertThat(r.getElementsByTagName("item").getLength()).isEqualTo(3);
    assertThat(r.getElementsByTagName("guid").item(0).getTextContent()).startsWith("urn:uuid:");
  }

  @Test
  void the_cache_holds_under_writes_and_a_local_write_drops_it() {
    long started = System.nanoTime();
    Api.Response first = api.get("/status/" + slug, null);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    Api.Response notModified =
        api.send(api.request("/status/" + slug).header("If-None-Match", etag).GET());
    assertThat(notModified.status()).isEqualTo(304);

    jdbc.sql("UPDATE status_pages SET title = 'Renamed' WHERE id = :id")
        .param("id", pageId)
        .update();
    List<String> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seen.add(api.get("/status/" + slug, null).headers().firstValue("ETag").orElseThrow());
    }
    // Within the TTL (5 s) every answer is the cached page; a machine so slow that the loop took
    // longer proves nothing either way.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Duration.ofNanos(System.nanoTime() - started).compareTo(cache.ttl()) < 0,
        "the requests outlasted the cache's TTL");
    assertThat(seen).containsOnly(etag);

    cache.invalidate(pageId);
    Api.Response after = api.get("/status/" + slug, null);
    assertThat(after.body()).contains("Renamed");
    assertThat(after.headers().firstValue("ETag")).isNotEqualTo(java.util.Optional.of(etag));
  }

  @Test
  void a_monitor_component_follows_its_monitor() {
    UUID monitor = UUID.randomUUID();
    Instant created = Instant.now().minus(Duration.ofDays(3));
    Instant down = Instant.now().minus(Duration.ofHours(1));
    jdbc.sql(
            """
            INSERT INTO monitors (id, organization_id, name, kind, ping_token, period_s, grace_s,
                                  state, state_since, state_reason, badge_key, created_at,
                                  updated_at)
            VALUES (:id, :org, 'backup cron', 'heartbeat', :token, 3600, 300, 'down', :down,
                    'no ping since 11:00, due every 1 h with 5 min grace', :badge, :created,
                    :created)
            """)
        .param("id", monitor)
        .param("org", tenant.id())
        .param("token", UUID.randomUUID().toString())
        .param("badge", UUID.randomUUID().toString())
        .param("down", eu.runlater.engine.SqlTime.ts(down))
        .param("created", eu.runlater.engine.SqlTime.ts(created))
        .update();
    for (Object[] e :
        List.of(new Object[] {created, "new", "up"}, new Object[] {down, "up", "down"})) {
      jdbc.sql(
              """
              INSERT INTO monitor_events (id, monitor_id, at, from_state, to_state, reason)
              VALUES (:id, :monitor, :at, :from, :to, 'test')
              """)
          .param("id", UUID.randomUUID())
          .param("monitor", monitor)
          .param("at", eu.runlater.engine.SqlTime.ts((Instant) e[0]))
          .param("from", e[1])
          .param("to", e[2])
          .update();
    }
    data.component(pageId, "Core", "Backups", "monitor", monitor, "operational");
    cache.invalidate(pageId);

    JsonNode backups = null;
    for (JsonNode c : api.get("/status/" + slug + ".json", null).json().get("components")) {
      if (c.get("name").asString().equals("Backups")) {
        backups = c;
      }
    }
    assertThat(backups).isNotNull();
    assertThat(backups.get("state").asString()).isEqualTo("major_outage");
    assertThat(backups.get("detail").asString()).startsWith("no ping since");
    JsonNode days = backups.get("days");
    assertThat(days.get(0).get("uptime").isNull()).isTrue(); // before it existed
    assertThat(days.get(87).get("uptime").asDouble()).isEqualTo(1.0);
    assertThat(days.get(89).get("uptime").asDouble()).isLessThan(1.0);
    // The hour down, on today and (just after midnight) yesterday.
    assertThat(
            days.get(88).get("down_seconds").asLong() + days.get(89).get("down_seconds").asLong())
        .isGreaterThanOrEqualTo(3500);
  }

  @Test
  void a_custom_host_serves_the_page_at_its_root() throws Exception {
    String host = "status-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    jdbc.sql("UPDATE status_pages SET custom_host = :h WHERE id = :id")
        .param("h", host)
        .param("id", pageId)
        .update();
    cache.invalidate(pageId);
    String root = raw(host, "/");
    assertThat(root)
        .startsWith("HTTP/1.1 200")
        .contains("Public API")
        .contains("action=\"/subscriptions\"");
    assertThat(raw(host, "/index.json"))
        .startsWith("HTTP/1.1 200")
        .contains("\"slug\":\"" + slug + "\"");
    assertThat(raw(host, "/feed.atom")).startsWith("HTTP/1.1 200").contains("<feed");
    assertThat(raw(host, "/css/status.css")).startsWith("HTTP/1.1 200");
    // Nothing of the dashboard on a page's host.
    assertThat(raw(host, "/login")).startsWith("HTTP/1.1 404");
    assertThat(raw(host, "/api/v1/jobs")).startsWith("HTTP/1.1 404");
    // Another host is the instance itself.
    assertThat(raw("localhost", "/status/" + slug)).startsWith("HTTP/1.1 200");
  }

  @Test
  void subscribing_takes_a_confirmation_by_mail_and_every_mail_can_unsubscribe() {
    Mailbox mailbox = new Mailbox(jdbc);
    String email = "reader-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Api.Response sent = form("/status/" + slug + "/subscriptions", "email=" + enc(email));
    assertThat(sent.status()).isEqualTo(200);
    assertThat(sent.body()).contains("Check your mail");
    assertThat(subscribers.confirmed(List.of(pageId))).isEmpty();

    Mailbox.Message mail = mailbox.latestTo(email);
    assertThat(mail.subject()).contains("Confirm your subscription");
    assertThat(mail.body()).contains("/subscriptions/unsubscribe?token=");
    String confirm = path(mail.link());
    assertThat(confirm).startsWith("/status/" + slug + "/subscriptions/confirm?token=");
    String token = confirm.substring(confirm.indexOf("token=") + 6);
    // The link shows a button; following it confirms nothing (mail scanners follow links).
    assertThat(api.get(confirm, null).body()).contains("Confirm subscription");
    assertThat(subscribers.confirmed(List.of(pageId))).isEmpty();
    // The token is stored hashed, never as is.
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM status_subscribers WHERE encode(token_hash, 'escape') = :t")
                .param("t", token)
                .query(Integer.class)
                .single())
        .isZero();

    Api.Response confirmed = form("/status/" + slug + "/subscriptions/confirm", "token=" + token);
    assertThat(confirmed.body()).contains("Subscribed");
    List<Subscribers.Subscriber> list = subscribers.confirmed(List.of(pageId));
    assertThat(list).extracting(Subscribers.Subscriber::email).containsExactly(email);
    String unsubscribe = path(list.getFirst().unsubscribeUrl());
    assertThat(unsubscribe).startsWith("/status/" + slug + "/subscriptions/unsubscribe?token=");

    Api.Response gone =
        form(
            "/status/" + slug + "/subscriptions/unsubscribe",
            "token=" + unsubscribe.substring(unsubscribe.indexOf("token=") + 6));
    assertThat(gone.body()).contains("will get no more mail");
    assertThat(subscribers.confirmed(List.of(pageId))).isEmpty();
  }

  @Test
  void a_bad_address_is_refused_and_nothing_is_stored() {
    Api.Response r = form("/status/" + slug + "/subscriptions", "email=not-an-address");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.body()).contains("not an email address");
    assertThat(
            jdbc.sql("SELECT count(*) FROM status_subscribers WHERE page_id = :p")
                .param("p", pageId)
                .query(Integer.class)
                .single())
        .isZero();
  }

  private Api.Response form(String path, String body) {
    return api.send(
        api.request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String path(String url) {
    return url.substring(url.indexOf("/status/"));
  }

  /** A GET with this Host header (the JDK's client will not send another host's name). */
  private String raw(String host, String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Document xml(String body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }
}
