package eu.runlater.organizations;

import eu.runlater.accounts.Users;
import eu.runlater.apikeys.AdminKeys;
import eu.runlater.apikeys.ApiKey;
import eu.runlater.apikeys.ApiKeys;
import eu.runlater.platform.security.ApiScope;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The API keys tab (keys, the signing secret) and the billing tab (tier, limits, usage, whom to ask
 * for another tier: only the superadmin changes tiers, see {@link AdminPages}). A key's secret is
 * shown once, on the page that answers its creation, and never stored.
 */
@Pages
class SettingsPages {
  static final int MAX_KEY_NAME = 100;
  private final ApiKeys keys;
  private final Organizations organizations;
  private final Members members;
  private final Users users;
  private final JdbcClient jdbc;
  private final InstantSource clock;
  private final OperatorContact operator;
  private final AdminKeys adminKeys;

  SettingsPages(
      ApiKeys keys,
      Organizations organizations,
      Members members,
      Users users,
      JdbcClient jdbc,
      InstantSource clock,
      OperatorContact operator,
      AdminKeys adminKeys) {
    this.operator = operator;
    this.adminKeys = adminKeys;
    this.keys = keys;
    this.organizations = organizations;
    this.members = members;
    this.users = users;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @GetMapping("/settings/api-keys")
  String apiKeys(Viewer viewer, Model model) {
    viewer.require(Permission.MANAGE_KEYS, "manage API keys");
    keysPage(viewer, model);
    return "settings/api-keys";
  }

  @PostMapping("/settings/api-keys")
  String createKey(
      Viewer viewer,
      @RequestParam(defaultValue = "") String name,
      @RequestParam(defaultValue = "false") boolean adminKey,
      @RequestParam(defaultValue = "full") String scope,
      Model model,
      HttpServletResponse response) {
    viewer.require(Permission.MANAGE_KEYS, "create API keys");
    if (adminKey && !viewer.user().superadmin()) {
      throw new PageException(
          HttpStatus.FORBIDDEN, "Only the instance's superadmin creates admin API keys.");
    }
    String clean = name.strip();
    ApiScope chosen = ApiScope.of(scope);
    if (chosen == null) {
      keysPage(viewer, model);
      model.addAttribute("name", name);
      model.addAttribute("scopeError", "Choose full, read-only or send.");
      return "settings/api-keys";
    }
    if (clean.isEmpty() || clean.length() > MAX_KEY_NAME) {
      keysPage(viewer, model);
      model.addAttribute("name", name);
      model.addAttribute(
          "nameError", "Name the key (1 to " + MAX_KEY_NAME + " characters), e.g. production.");
      return "settings/api-keys";
    }
    ApiKeys.CreatedApiKey created =
        adminKey
            ? adminKeys.create(viewer.organizationId(), clean, viewer.user().id(), chosen)
            : keys.create(viewer.organizationId(), clean, viewer.user().id(), chosen);
    // The only response that ever carries the secret: keep it out of caches and history.
    response.setHeader("Cache-Control", "no-store");
    SettingsTabs.show(model, viewer, "api-keys");
    model.addAttribute("created", created);
    return "settings/api-key-created";
  }

  @PostMapping("/settings/api-keys/{id}/revoke")
  String revokeKey(Viewer viewer, @PathVariable UUID id, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_KEYS, "revoke API keys");
    ApiKey key = keys.revoke(viewer.organizationId(), id);
    redirect.addFlashAttribute(
        "flash", "Revoked " + key.name() + " (" + key.prefix() + "). It no longer works.");
    return "redirect:/settings/api-keys";
  }

  /**
   * Shows the current signing secret: a POST, so it is never in a link, a log or a cache. An htmx
   * request gets the secret's fragment, a plain form the whole page.
   */
  @PostMapping("/settings/api-keys/signing-secret")
  String revealSecret(
      Viewer viewer,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model,
      HttpServletResponse response) {
    viewer.require(Permission.MANAGE_KEYS, "see the signing secret");
    response.setHeader("Cache-Control", "no-store");
    keysPage(viewer, model);
    model.addAttribute("secret", organizations.signingSecret(viewer.organizationId()));
    return htmx != null ? "settings/api-keys :: signing-secret" : "settings/api-keys";
  }

  @PostMapping("/settings/api-keys/signing-secret/rotate")
  String rotateSecret(Viewer viewer, RedirectAttributes redirect) {
    viewer.require(Permission.MANAGE_KEYS, "rotate the signing secret");
    Instant until =
        organizations.rotateSigningSecret(viewer.organizationId()).previousSecretExpiresAt();
    redirect.addFlashAttribute(
        "flash",
        "Rotated the signing secret. Deliveries carry signatures with both the new and the"
            + " previous secret until "
            + until.atOffset(ZoneOffset.UTC).toLocalDateTime().withNano(0)
            + " UTC: update your receivers before then.");
    return "redirect:/settings/api-keys";
  }

  @GetMapping("/settings/billing")
  String billing(Viewer viewer, Model model) {
    viewer.require(Permission.MANAGE_BILLING, "see billing");
    SettingsTabs.show(model, viewer, "billing");
    Organization org = organizations.get(viewer.organizationId());
    Instant now = clock.instant();
    model.addAttribute("organization", org);
    model.addAttribute("limits", org.tier().limits());
    model.addAttribute("month", YearMonth.from(now.atZone(ZoneOffset.UTC)).toString());
    model.addAttribute("deliveries", UsageMeter.thisMonth(jdbc, org.id(), now));
    model.addAttribute("seats", members.seats(org.id()));
    model.addAttribute("pro", Tier.PRO.limits());
    // The operator's published contact, never the superadmin's sign-in address (OperatorContact).
    model.addAttribute("operator", operator.text());
    model.addAttribute("operatorHref", operator.href());
    return "settings/billing";
  }

  private void keysPage(Viewer viewer, Model model) {
    SettingsTabs.show(model, viewer, "api-keys");
    List<ApiKey> list = keys.list(viewer.organizationId());
    Set<UUID> creators = new HashSet<>();
    list.stream().map(ApiKey::createdBy).filter(Objects::nonNull).forEach(creators::add);
    model.addAttribute("keys", list);
    model.addAttribute("creators", users.emails(creators));
    model.addAttribute("adminKeys", adminKeys.adminKeyIds(viewer.organizationId()));
  }
}
