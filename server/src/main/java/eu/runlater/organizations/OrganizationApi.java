package eu.runlater.organizations;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.idempotency.SecretResponse;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The calling key's organization. */
@RestController
@RequestMapping("/api/v1/organization")
@Tag(name = "Organization")
class OrganizationApi {
  static final int MAX_NAME_LENGTH = 100;
  private final Organizations organizations;
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final java.time.InstantSource clock;

  OrganizationApi(
      Organizations organizations,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      java.time.InstantSource clock) {
    this.organizations = organizations;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * @param usage deliveries this calendar month (UTC), against {@code limits.requests_per_month}
   */
  record OrganizationView(
      UUID id,
      String name,
      String slug,
      Tier tier,
      Tier.Limits limits,
      Usage usage,
      Instant createdAt,
      Instant updatedAt) {}

  record Usage(String month, long deliveries) {}

  private OrganizationView view(Organization o) {
    Instant now = clock.instant();
    return new OrganizationView(
        o.id(),
        o.name(),
        o.slug(),
        o.tier(),
        o.tier().limits(),
        new Usage(
            java.time.YearMonth.from(now.atZone(java.time.ZoneOffset.UTC)).toString(),
            UsageMeter.thisMonth(jdbc, o.id(), now)),
        o.createdAt(),
        o.updatedAt());
  }

  record OrganizationPatch(String name, String tier) {}

  @GetMapping
  @Operation(summary = "The organization this API key belongs to, with its tier and limits")
  OrganizationView get(@AuthenticationPrincipal ApiPrincipal caller) {
    return view(organizations.get(caller.organizationId()));
  }

  @PatchMapping
  @Operation(summary = "Rename the organization (the tier is the superadmin's to change)")
  OrganizationView patch(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody OrganizationPatch patch) {
    if (patch.tier() != null) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "forbidden",
          "Forbidden",
          "An organization's key cannot change its tier: only the instance's superadmin does"
              + " (the dashboard's admin page, or PATCH /api/v1/admin/organizations/{id} with an"
              + " admin key). Ask the instance operator.");
    }
    if (patch.name() == null) {
      return get(caller);
    }
    String name = patch.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw ApiProblem.invalid(
          "name", "must be 1 to " + MAX_NAME_LENGTH + " characters, not blank");
    }
    String problem = Organizations.nameProblem(name);
    if (problem != null) {
      throw ApiProblem.invalid("name", problem);
    }
    return view(organizations.rename(caller.organizationId(), name));
  }

  @PostMapping("/signing-secret/rotate")
  @Operation(
      summary = "Rotate the signing secret",
      description =
          "Returns the new whsec_ secret, shown this once. Deliveries carry signatures with both"
              + " the new and the previous secret until previous_secret_expires_at (24 hours),"
              + " so receivers can switch over without rejecting any. With an Idempotency-Key,"
              + " a repeat is answered 409 idempotency-answer-withheld: the secret is never"
              + " stored, and the rotation is not done twice.")
  @SecretResponse
  Organizations.Rotation rotateSigningSecret(@AuthenticationPrincipal ApiPrincipal caller) {
    return organizations.rotateSigningSecret(caller.organizationId());
  }
}
