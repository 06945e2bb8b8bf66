package eu.runlater.status;

import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes status pages, components and incidents in SQL, as status-admin's commands will. */
public final class PublicStatusData {
  private final JdbcClient jdbc;

  public PublicStatusData(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public UUID page(UUID organizationId, String slug, String title, String customHost) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO status_pages (id, organization_id, slug, title, description, custom_host,
                                      created_at, updated_at)
            VALUES (:id, :org, :slug, :title, 'Services of ' || :title, :host,
                    now() - interval '200 days', now())
            """)
        .param("id", id)
        .param("org", organizationId)
        .param("slug", slug)
        .param("title", title)
        .param("host", customHost)
        .update();
    return id;
  }

  public UUID component(
      UUID pageId, String group, String name, String kind, UUID subjectId, String manualState) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO status_components (id, page_id, group_name, name, kind, subject_id,
                                           manual_state, position)
            VALUES (:id, :page, :group, :name, :kind, :subject, :state,
                    (SELECT count(*) FROM status_components WHERE page_id = :page))
            """)
        .param("id", id)
        .param("page", pageId)
        .param("group", group)
        .param("name", name)
        .param("kind", kind)
        .param("subject", subjectId)
        .param("state", manualState)
        .update();
    return id;
  }

  public UUID incident(
      UUID organizationId,
      String kind,
      String title,
      String impact,
      String status,
      Instant createdAt,
      Instant resolvedAt,
      Instant startsAt,
      Instant endsAt,
      UUID... components) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO status_incidents (id, organization_id, kind, title, impact, status,
                                          starts_at, ends_at, created_at, updated_at, resolved_at)
            VALUES (:id, :org, :kind, :title, :impact, :status, :starts, :ends, :created,
                    COALESCE(:resolved, :created), :resolved)
            """)
        .param("id", id)
        .param("org", organizationId)
        .param("kind", kind)
        .param("title", title)
        .param("impact", impact)
        .param("status", status)
        .param("starts", ts(startsAt))
        .param("ends", ts(endsAt))
        .param("created", ts(createdAt))
        .param("resolved", ts(resolvedAt))
        .update();
    for (UUID c : components) {
      jdbc.sql("INSERT INTO status_incident_components VALUES (:i, :c)")
          .param("i", id)
          .param("c", c)
          .update();
    }
    return id;
  }

  public void update(UUID incidentId, String status, String body, Instant at) {
    jdbc.sql(
            """
            INSERT INTO status_incident_updates (id, incident_id, status, body, created_at)
            VALUES (:id, :incident, :status, :body, :at)
            """)
        .param("id", UUID.randomUUID())
        .param("incident", incidentId)
        .param("status", status)
        .param("body", body)
        .param("at", ts(at))
        .update();
  }

  /** An open "failing" alert incident of a job, as alerts would have it. */
  public void failing(UUID organizationId, String kind, UUID subjectId, Instant since) {
    jdbc.sql(
            """
            INSERT INTO alert_incidents (id, organization_id, subject_kind, subject_id,
                                         subject_name, condition, state, first_failure_at,
                                         last_failure_at, opened_at, consecutive_failures,
                                         failures, detail)
            VALUES (:id, :org, :kind, :subject, 'nightly', 'failing', 'open', :since, :since,
                    :since, 3, 3, '3 failed runs in a row')
            """)
        .param("id", UUID.randomUUID())
        .param("org", organizationId)
        .param("kind", kind)
        .param("subject", subjectId)
        .param("since", ts(since))
        .update();
  }

  private static java.time.OffsetDateTime ts(Instant at) {
    return at == null ? null : eu.runlater.engine.SqlTime.ts(at);
  }

  /**
   * A page as a person would make it: grouped components (one job failing), an incident being
   * worked on, a scheduled maintenance and one resolved a few days ago.
   */
  public UUID example(UUID organizationId, String slug) {
    UUID page = page(organizationId, slug, "Acme Cloud", null);
    UUID api = component(page, "Platform", "Public API", "manual", null, "operational");
    UUID web = component(page, "Platform", "Dashboard", "manual", null, "operational");
    UUID job = UUID.randomUUID();
    UUID export = component(page, "Background work", "Nightly export", "job", job, "operational");
    component(page, "Background work", "Webhooks", "manual", null, "operational");
    failing(organizationId, "job", job, Instant.now().minus(java.time.Duration.ofMinutes(40)));
    Instant started = Instant.now().minus(java.time.Duration.ofMinutes(35));
    UUID incident =
        incident(
            organizationId,
            "incident",
            "Nightly export failing",
            "major",
            "identified",
            started,
            null,
            null,
            null,
            export);
    update(
        incident,
        "investigating",
        "The nightly export is failing; we are looking into it.",
        started);
    update(
        incident,
        "identified",
        "A full disk on the export host. Clearing space now.",
        started.plusSeconds(900));
    Instant old = Instant.now().minus(java.time.Duration.ofDays(12));
    UUID past =
        incident(
            organizationId,
            "incident",
            "Slow API answers",
            "critical",
            "resolved",
            old,
            old.plusSeconds(5400),
            null,
            null,
            api,
            web);
    update(
        past,
        "resolved",
        "A missing index was added; answers are fast again.",
        old.plusSeconds(5400));
    Instant start = Instant.now().plus(java.time.Duration.ofDays(3));
    UUID maintenance =
        incident(
            organizationId,
            "maintenance",
            "Database upgrade to PostgreSQL 18",
            "minor",
            "scheduled",
            Instant.now(),
            null,
            start,
            start.plusSeconds(3600),
            api);
    update(maintenance, "scheduled", "The API may answer slowly for a few minutes.", Instant.now());
    return page;
  }
}
