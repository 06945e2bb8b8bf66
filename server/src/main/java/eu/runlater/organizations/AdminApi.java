package eu.runlater.organizations;

import eu.runlater.platform.api.Page;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The superadmin's API: every organization, and their tiers. Every path under {@code
 * /api/v1/admin/} needs an admin key ({@link eu.runlater.apikeys.AdminKeys}); any other key is
 * answered 403.
 */
@RestController
@RequestMapping("/api/v1/admin/organizations")
@Tag(name = "Admin", description = "For the instance's superadmin; needs an admin API key")
class AdminApi {
  private final Admin admin;

  AdminApi(Admin admin) {
    this.admin = admin;
  }

  record TierPatch(String tier) {}

  @GetMapping
  @Operation(
      summary = "Every organization of the instance, oldest first (admin key)",
      description = "q filters by name or slug; pages with limit and cursor.")
  Page<AdminOrganization> list(
      @RequestParam(required = false) String q,
      @RequestParam(required = false) Integer limit,
      @RequestParam(required = false) String cursor) {
    int n = Page.limit(limit);
    return Page.of(
        admin.organizations(q, Page.cursor(cursor), n), n, AdminOrganization::id, o -> o);
  }

  @GetMapping("/{id}")
  @Operation(summary = "One organization with its tier and member count (admin key)")
  AdminOrganization get(@PathVariable UUID id) {
    return admin.organization(id);
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change an organization's tier (admin key)",
      description = "Body: {\"tier\": \"free\" | \"pro\"}. Takes effect at once, limits included.")
  AdminOrganization patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody TierPatch patch) {
    String problem = Admin.tierProblem(patch.tier());
    if (problem != null) {
      throw ApiProblem.invalid("tier", problem);
    }
    admin.organization(id);
    return admin.setTier(id, Tier.of(patch.tier().strip()), "admin key " + caller.publicId());
  }
}
