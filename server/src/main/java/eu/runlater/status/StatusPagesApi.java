package eu.runlater.status;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import eu.runlater.platform.web.PublicUrl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Status pages and their components, as their organization manages them. */
@RestController
@RequestMapping("/api/v1/status-pages")
@Tag(name = "Status pages")
class StatusPagesApi {
  static final String FIELDS =
      "slug (1-63 of a-z, 0-9 and dashes; unique on the instance, 409 when taken; the page is"
          + " /status/<slug>), title, description, custom_host (a host name such as"
          + " status.example.com that CNAMEs to this instance; the page answers at / for it; 409"
          + " when another page has it), components: [{id (to keep an existing one), group, name,"
          + " description, kind (monitor, job, queue or manual), subject_id (the monitor's, job's"
          + " or queue's id; a queue's name works too), manual_state (operational, degraded,"
          + " partial_outage, major_outage, maintenance)}] in display order. The tier caps the"
          + " number of pages (free 1, pro 20).";

  private final StatusPages pages;
  private final PublicUrl publicUrl;

  StatusPagesApi(StatusPages pages, PublicUrl publicUrl) {
    this.pages = pages;
    this.publicUrl = publicUrl;
  }

  record ComponentBody(
      UUID id,
      String group,
      String name,
      String description,
      String kind,
      String subjectId,
      String manualState) {}

  record PageBody(
      String slug,
      String title,
      String description,
      String customHost,
      List<ComponentBody> components) {
    StatusPages.PageInput input() {
      return new StatusPages.PageInput(
          slug,
          title,
          description,
          customHost,
          components == null
              ? List.of()
              : components.stream()
                  .map(
                      c ->
                          c == null
                              ? null
                              : new StatusPages.ComponentInput(
                                  c.id(),
                                  c.group(),
                                  c.name(),
                                  c.description(),
                                  c.kind(),
                                  c.subjectId(),
                                  c.manualState()))
                  .toList());
    }
  }

  record StateBody(String manualState) {}

  record ComponentView(
      UUID id,
      String group,
      String name,
      String description,
      String kind,
      UUID subjectId,
      String manualState,
      int position) {
    static ComponentView of(StatusPages.Component c) {
      return new ComponentView(
          c.id(),
          c.group(),
          c.name(),
          c.description(),
          c.kind(),
          c.subjectId(),
          c.manualState(),
          c.position());
    }
  }

  record PageView(
      UUID id,
      String slug,
      String title,
      String description,
      String customHost,
      String url,
      List<ComponentView> components,
      Instant createdAt,
      Instant updatedAt) {}

  PageView view(StatusPages.Page p) {
    return new PageView(
        p.id(),
        p.slug(),
        p.title(),
        p.description(),
        p.customHost(),
        publicUrl.of("/status/" + p.slug()),
        p.components().stream().map(ComponentView::of).toList(),
        p.createdAt(),
        p.updatedAt());
  }

  @GetMapping
  @Operation(summary = "List status pages, newest first, with cursor pagination")
  Page<PageView> list(
      @AuthenticationPrincipal ApiPrincipal caller,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    return Page.of(
        pages.page(caller.organizationId(), Page.cursor(cursor), n + 1),
        n,
        StatusPages.Page::id,
        this::view);
  }

  @PostMapping
  @Operation(summary = "Create a status page with its components", description = FIELDS)
  ResponseEntity<PageView> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody PageBody body) {
    StatusPages.Page p = pages.create(caller.organizationId(), body.input());
    return ResponseEntity.created(URI.create("/api/v1/status-pages/" + p.id())).body(view(p));
  }

  @GetMapping("/{id}")
  @Operation(summary = "A status page with its components")
  PageView get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return pages
        .find(caller.organizationId(), id)
        .map(this::view)
        .orElseThrow(() -> ApiProblem.notFound("status page", id));
  }

  @PutMapping("/{id}")
  @Operation(
      summary = "Replace a status page and its components",
      description =
          FIELDS
              + " Components given with their id keep it (and the incidents that name them);"
              + " components left out are removed.")
  PageView replace(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody PageBody body) {
    return view(pages.replace(caller.organizationId(), id, body.input()));
  }

  @PatchMapping("/{id}/components/{componentId}")
  @Operation(
      summary = "Set a manual component's state",
      description =
          "manual_state: operational, degraded, partial_outage, major_outage or maintenance."
              + " Monitor, job and queue components follow their subject instead.")
  PageView setState(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @PathVariable UUID componentId,
      @RequestBody StateBody body) {
    return view(pages.setState(caller.organizationId(), id, componentId, body.manualState()));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a status page, its components and its subscribers")
  void delete(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    pages.delete(caller.organizationId(), id);
  }
}
