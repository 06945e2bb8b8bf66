package eu.runlater.status;

import static eu.runlater.status.StatusPagesQueries.*;

import eu.runlater.alerts.AlertSubjects;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SqlTime;
import eu.runlater.monitors.Monitors;
import eu.runlater.organizations.Caps;
import eu.runlater.organizations.Organizations;
import eu.runlater.organizations.Tier;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Status pages as their owners manage them: a page (slug unique across the instance, optional host
 * name of its own) and its components in order and in groups. Creating one counts against the
 * tier's {@code statusPages} cap; a slug or host another page has is a 409.
 */
@Service
class StatusPages {
  static final int MAX_TITLE = 100;
  static final int MAX_DESCRIPTION = 2_000;
  static final int MAX_COMPONENTS = 100;
  static final int MAX_NAME = 100;
  static final Set<String> KINDS = Set.of("monitor", "job", "queue", "manual");
  static final List<String> MANUAL_STATES =
      List.of("operational", "degraded", "partial_outage", "major_outage", "maintenance");
  static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  static final Pattern HOST =
      Pattern.compile(
          "(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]*[a-z0-9]");

  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final Caps caps;
  private final Organizations organizations;
  private final Map<String, AlertSubjects> subjects = new HashMap<>();
  private final ObjectProvider<Monitors> monitors;
  private final PublicCache cache;

  /** Paths of the instance's own status that a page's slug would shadow. */
  static final java.util.Set<String> RESERVED_SLUGS = java.util.Set.of("instance");

  StatusPages(
      JdbcClient jdbc,
      InstantSource clock,
      Caps caps,
      Organizations organizations,
      List<AlertSubjects> subjects,
      ObjectProvider<Monitors> monitors,
      PublicCache cache) {
    this.monitors = monitors;
    this.cache = cache;
    this.jdbc = jdbc;
    this.clock = clock;
    this.caps = caps;
    this.organizations = organizations;
    subjects.forEach(s -> this.subjects.put(s.kind(), s));
  }

  /** A page with its components in order. */
  record Page(
      UUID id,
      UUID organizationId,
      String slug,
      String title,
      String description,
      String customHost,
      Instant createdAt,
      Instant updatedAt,
      int componentCount,
      List<Component> components) {}

  /**
   * @param kind {@code monitor}, {@code job}, {@code queue} (following that subject) or {@code
   *     manual} (showing {@code manualState})
   */
  record Component(
      UUID id,
      String group,
      String name,
      String description,
      String kind,
      UUID subjectId,
      String manualState,
      int position) {}

  /** A page to create or replace, as given; {@link #check} says what is wrong with it. */
  record PageInput(
      String slug,
      String title,
      String description,
      String customHost,
      List<ComponentInput> components) {}

  /**
   * @param id an existing component's id to keep it (and its incidents); null for a new one
   * @param subject a subject's id (or a queue's name) for monitor, job and queue components
   */
  record ComponentInput(
      UUID id,
      String group,
      String name,
      String description,
      String kind,
      String subject,
      String manualState) {}

  List<Page> list(UUID organizationId) {
    return withComponents(
        jdbc.sql(PAGES_LIST)
            .param("organization_id", organizationId)
            .query((rs, n) -> page(rs))
            .list());
  }

  List<Page> page(UUID organizationId, UUID before, int limit) {
    return withComponents(
        jdbc.sql(PAGES_PAGE)
            .param("organization_id", organizationId)
            .param("before", before)
            .param("limit", limit)
            .query((rs, n) -> page(rs))
            .list());
  }

  Optional<Page> find(UUID organizationId, UUID id) {
    return jdbc.sql(PAGE_GET)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> page(rs))
        .optional()
        .map(p -> withComponents(List.of(p)).getFirst());
  }

  @Transactional
  Page create(UUID organizationId, PageInput input) {
    cache.invalidateAfterCommit();
    List<Component> components = check(organizationId, null, input, Map.of());
    jdbc.sql(PAGES_LOCK_ORGANIZATION)
        .param("organization_id", organizationId.toString())
        .query((rs, n) -> 1)
        .list();
    Tier tier = organizations.get(organizationId).tier();
    int cap = caps.of(tier).statusPages();
    long count =
        jdbc.sql(PAGES_COUNT).param("organization_id", organizationId).query(Long.class).single();
    if (count >= cap) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "cap-status-pages",
          "Cap reached",
          "The "
              + tier.code()
              + " tier allows "
              + cap
              + (cap == 1 ? " status page" : " status pages")
              + " and this organization has "
              + count
              + ". Delete one, put its components on another page, or upgrade to Pro.");
    }
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    insertingUnique(
        input,
        () ->
            jdbc.sql(PAGE_INSERT)
                .param("id", id)
                .param("organization_id", organizationId)
                .param("slug", input.slug().strip())
                .param("title", input.title().strip())
                .param("description", text(input.description()))
                .param("custom_host", host(input.customHost()))
                .param("now", SqlTime.ts(now))
                .update());
    writeComponents(id, components);
    return find(organizationId, id).orElseThrow();
  }

  @Transactional
  Page replace(UUID organizationId, UUID id, PageInput input) {
    cache.invalidateAfterCommit();
    Page current =
        find(organizationId, id).orElseThrow(() -> ApiProblem.notFound("status page", id));
    Map<UUID, Component> existing = new HashMap<>();
    current.components().forEach(c -> existing.put(c.id(), c));
    List<Component> components = check(organizationId, id, input, existing);
    insertingUnique(
        input,
        () ->
            jdbc.sql(PAGE_UPDATE)
                .param("id", id)
                .param("organization_id", organizationId)
                .param("slug", input.slug().strip())
                .param("title", input.title().strip())
                .param("description", text(input.description()))
                .param("custom_host", host(input.customHost()))
                .param("now", SqlTime.ts(clock.instant()))
                .update());
    writeComponents(id, components);
    return find(organizationId, id).orElseThrow();
  }

  @Transactional
  void delete(UUID organizationId, UUID id) {
    cache.invalidateAfterCommit();
    if (jdbc.sql(PAGE_DELETE).param("organization_id", organizationId).param("id", id).update()
        == 0) {
      throw ApiProblem.notFound("status page", id);
    }
  }

  /** Sets a manual component's state (operational, degraded, …). */
  @Transactional
  Page setState(UUID organizationId, UUID pageId, UUID componentId, String state) {
    cache.invalidateAfterCommit();
    if (state == null || !MANUAL_STATES.contains(state)) {
      throw ApiProblem.invalid(
          "manual_state", "must be one of " + String.join(", ", MANUAL_STATES));
    }
    int n =
        jdbc.sql(COMPONENT_SET_STATE)
            .param("organization_id", organizationId)
            .param("page_id", pageId)
            .param("id", componentId)
            .param("manual_state", state)
            .update();
    if (n == 0) {
      throw ApiProblem.notFound("manual component on this page", componentId);
    }
    jdbc.sql(PAGE_TOUCH).param("id", pageId).param("now", SqlTime.ts(clock.instant())).update();
    return find(organizationId, pageId).orElseThrow();
  }

  /**
   * Every problem with {@code input} at once (422 naming the API's fields), then the slug's and
   * host's uniqueness (409); the components as they will be stored.
   */
  List<Component> check(
      UUID organizationId, UUID pageId, PageInput input, Map<UUID, Component> existing) {
    List<FieldError> errors = new ArrayList<>();
    String slug = input.slug() == null ? "" : input.slug().strip();
    if (slug.isEmpty()) {
      errors.add(new FieldError("slug", "is required (a-z, 0-9 and dashes, e.g. acme)"));
    } else if (!SLUG.matcher(slug).matches()) {
      errors.add(
          new FieldError(
              "slug",
              "must be 1-63 lowercase letters, digits and dashes, not starting or ending with a"
                  + " dash (it is the address /status/<slug>)"));
    } else if (RESERVED_SLUGS.contains(slug)) {
      errors.add(
          new FieldError(
              "slug",
              "'"
                  + slug
                  + "' is reserved for the instance's own status (/status/instance.json);"
                  + " choose another"));
    }
    if (input.title() == null || input.title().isBlank()) {
      errors.add(new FieldError("title", "is required"));
    } else if (input.title().strip().length() > MAX_TITLE) {
      errors.add(new FieldError("title", "must be at most " + MAX_TITLE + " characters"));
    }
    if (input.description() != null && input.description().length() > MAX_DESCRIPTION) {
      errors.add(
          new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
    String host = host(input.customHost());
    if (host != null && !HOST.matcher(host).matches()) {
      errors.add(
          new FieldError(
              "custom_host",
              "must be a host name such as status.example.com (no scheme, port or path); point"
                  + " it at this instance with a CNAME"));
    }
    List<ComponentInput> given = input.components() == null ? List.of() : input.components();
    if (given.size() > MAX_COMPONENTS) {
      errors.add(new FieldError("components", "at most " + MAX_COMPONENTS + " per page"));
    }
    List<Component> components = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < given.size() && i < MAX_COMPONENTS; i++) {
      ComponentInput c = given.get(i);
      String at = "components[" + i + "].";
      if (c == null) {
        errors.add(new FieldError("components[" + i + "]", "must be an object"));
        continue;
      }
      if (c.name() == null || c.name().isBlank()) {
        errors.add(new FieldError(at + "name", "is required"));
      } else if (c.name().strip().length() > MAX_NAME) {
        errors.add(new FieldError(at + "name", "must be at most " + MAX_NAME + " characters"));
      }
      if (c.group() != null && c.group().strip().length() > MAX_NAME) {
        errors.add(new FieldError(at + "group", "must be at most " + MAX_NAME + " characters"));
      }
      if (c.description() != null && c.description().length() > MAX_DESCRIPTION) {
        errors.add(
            new FieldError(
                at + "description", "must be at most " + MAX_DESCRIPTION + " characters"));
      }
      String kind = c.kind() == null || c.kind().isBlank() ? "manual" : c.kind().strip();
      UUID subjectId = null;
      if (!KINDS.contains(kind)) {
        errors.add(new FieldError(at + "kind", "must be monitor, job, queue or manual"));
      } else if (!kind.equals("manual")) {
        if (c.subject() == null || c.subject().isBlank()) {
          errors.add(
              new FieldError(
                  at + "subject",
                  "is required for a " + kind + " component: the " + kind + "'s id"));
        } else {
          subjectId = resolve(organizationId, kind, c.subject().strip());
          if (subjectId == null) {
            errors.add(
                new FieldError(
                    at + "subject",
                    "no " + kind + " " + c.subject().strip() + " in this organization"));
          }
        }
      } else if (c.subject() != null && !c.subject().isBlank()) {
        errors.add(new FieldError(at + "subject", "a manual component follows no subject"));
      }
      String state =
          c.manualState() == null || c.manualState().isBlank()
              ? "operational"
              : c.manualState().strip();
      if (!MANUAL_STATES.contains(state)) {
        errors.add(
            new FieldError(
                at + "manual_state", "must be one of " + String.join(", ", MANUAL_STATES)));
      }
      UUID id = c.id();
      if (id != null && (!existing.containsKey(id) || !seen.add(id))) {
        errors.add(
            new FieldError(
                at + "id", "is not a component of this page; leave it out for a new one"));
      }
      components.add(
          new Component(
              id,
              text(c.group()).strip(),
              c.name() == null ? "" : c.name().strip(),
              text(c.description()),
              kind,
              subjectId,
              state,
              i));
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    if (jdbc.sql(PAGE_SLUG_TAKEN)
        .param("slug", slug)
        .param("id", pageId)
        .query(Boolean.class)
        .single()) {
      throw slugTaken(slug);
    }
    if (host != null
        && jdbc.sql(PAGE_HOST_TAKEN)
            .param("host", host)
            .param("id", pageId)
            .query(Boolean.class)
            .single()) {
      throw hostTaken(host);
    }
    return components;
  }

  /** The subject's id, when the organization has it (by id, or a queue by its name). */
  private UUID resolve(UUID organizationId, String kind, String reference) {
    AlertSubjects names = subjects.get(kind);
    if (names != null) {
      return names.resolve(organizationId, reference).orElse(null);
    }
    Monitors states = kind.equals("monitor") ? monitors.getIfAvailable() : null;
    if (states == null) {
      return null;
    }
    try {
      UUID id = UUID.fromString(reference);
      return states.statuses(organizationId, List.of(id)).containsKey(id) ? id : null;
    } catch (IllegalArgumentException notAnId) {
      return null;
    }
  }

  private static ApiProblem slugTaken(String slug) {
    return ApiProblem.conflict(
        "slug-taken",
        "The slug "
            + slug
            + " is taken: /status/"
            + slug
            + " is another page on this instance. Choose another slug.");
  }

  private static ApiProblem hostTaken(String host) {
    return ApiProblem.conflict(
        "custom-host-taken",
        "The host " + host + " is another status page's custom host. Choose another host name.");
  }

  /** Runs an insert or update and turns a race lost on the slug or host into the same 409. */
  private static void insertingUnique(PageInput input, Runnable write) {
    try {
      write.run();
    } catch (DuplicateKeyException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("custom_host")) {
        throw hostTaken(host(input.customHost()));
      }
      throw slugTaken(input.slug().strip());
    }
  }

  private void writeComponents(UUID pageId, List<Component> components) {
    List<UUID> keep = new ArrayList<>();
    components.stream().filter(c -> c.id() != null).forEach(c -> keep.add(c.id()));
    jdbc.sql(COMPONENTS_DELETE_OTHERS)
        .param("page_id", pageId)
        .param("keep", new SqlArrayValue("uuid", keep.toArray()))
        .update();
    Instant now = clock.instant();
    for (Component c : components) {
      jdbc.sql(c.id() == null ? COMPONENT_INSERT : COMPONENT_UPDATE)
          .param("id", c.id() == null ? Ids.v7(now) : c.id())
          .param("page_id", pageId)
          .param("group_name", c.group())
          .param("name", c.name())
          .param("description", c.description())
          .param("kind", c.kind())
          .param("subject_id", c.subjectId())
          .param("manual_state", c.manualState())
          .param("position", c.position())
          .update();
    }
  }

  private List<Page> withComponents(List<Page> pages) {
    if (pages.isEmpty()) {
      return pages;
    }
    Map<UUID, List<Component>> byPage = new LinkedHashMap<>();
    pages.forEach(p -> byPage.put(p.id(), new ArrayList<>()));
    jdbc.sql(COMPONENTS_OF_PAGES)
        .param("page_ids", new SqlArrayValue("uuid", byPage.keySet().toArray()))
        .query(
            rs -> {
              byPage.get(rs.getObject("page_id", UUID.class)).add(component(rs));
            });
    return pages.stream()
        .map(
            p ->
                new Page(
                    p.id(),
                    p.organizationId(),
                    p.slug(),
                    p.title(),
                    p.description(),
                    p.customHost(),
                    p.createdAt(),
                    p.updatedAt(),
                    byPage.get(p.id()).size(),
                    List.copyOf(byPage.get(p.id()))))
        .toList();
  }

  static String host(String given) {
    if (given == null || given.isBlank()) {
      return null;
    }
    String h = given.strip().toLowerCase(java.util.Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  static Page page(ResultSet rs) throws SQLException {
    return new Page(
        rs.getObject("id", UUID.class),
        rs.getObject("organization_id", UUID.class),
        rs.getString("slug"),
        rs.getString("title"),
        rs.getString("description"),
        rs.getString("custom_host"),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"),
        rs.getInt("components"),
        List.of());
  }

  static Component component(ResultSet rs) throws SQLException {
    return new Component(
        rs.getObject("id", UUID.class),
        rs.getString("group_name"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("kind"),
        rs.getObject("subject_id", UUID.class),
        rs.getString("manual_state"),
        rs.getInt("position"));
  }
}
