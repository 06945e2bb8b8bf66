package eu.runlater.organizations;

import static eu.runlater.organizations.OrganizationsQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.platform.engine.EngineTenants;
import eu.runlater.platform.errors.ApiProblem;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Organizations, their tier and their signing secrets. */
@Service
public class Organizations {
  public static final String SIGNING_SECRET_PREFIX = "whsec_";

  /** How long the previous signing secret keeps signing after a rotation. */
  public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

  public static final int MAX_NAME_LENGTH = 100;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final SecretBox secrets;
  private final InstantSource clock;
  private final TransactionTemplate tx;
  private final ApplicationEventPublisher events;
  private final EngineTenants engine;
  private final ChangeFeed changes;

  Organizations(
      JdbcClient jdbc,
      SecretBox secrets,
      InstantSource clock,
      TransactionTemplate tx,
      ApplicationEventPublisher events,
      EngineTenants engine,
      ChangeFeed changes) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.clock = clock;
    this.tx = tx;
    this.events = events;
    this.engine = engine;
    this.changes = changes;
  }

  /**
   * Published after a rotation, so this node's {@link CachedSigningSecrets} drops its copy at once
   * (other nodes' copies expire within its TTL).
   */
  record SigningSecretRotated(UUID organizationId) {}

  /** A rotation's outcome: the new secret, and when the previous one stops signing. */
  public record Rotation(String signingSecret, Instant previousSecretExpiresAt) {}

  /** What a form should say about an organization's name, or null when it is acceptable. */
  public static String nameProblem(String name) {
    if (name == null || name.isBlank()) {
      return "Enter a name.";
    }
    if (name.strip().length() > MAX_NAME_LENGTH) {
      return "Use at most " + MAX_NAME_LENGTH + " characters.";
    }
    // The name goes into mail subjects and bodies (invitations): no second line, and nothing a
    // mail client would turn into a link to someone else's site.
    if (LINE_BREAK.matcher(name.strip()).find()) {
      return "Use one line of text: no line breaks, tabs or other control characters.";
    }
    if (URL_LIKE.matcher(name).find()) {
      return "Leave out web addresses and domain names (such as example.com).";
    }
    return null;
  }

  /** Control characters (CR, LF, tab, …) and Unicode line and paragraph separators. */
  private static final java.util.regex.Pattern LINE_BREAK =
      java.util.regex.Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

  /** A scheme ("https://"), "www.", or a dotted name ending in letters (example.com). */
  private static final java.util.regex.Pattern URL_LIKE =
      java.util.regex.Pattern.compile(
          "(?i)(://|\\bwww\\.|[\\p{L}\\p{N}-][.\\u3002\\uFF0E]\\p{L}{2,}\\b)");

  /** A slug from a name, with a random suffix so two organizations may share a name. */
  static String slugFor(String name) {
    String base =
        name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (base.length() > 40) {
      base = base.substring(0, 40).replaceAll("-+$", "");
    }
    String suffix = Integer.toString(RANDOM.nextInt(1 << 30), 36);
    return base.isEmpty() ? "org-" + suffix : base + "-" + suffix;
  }

  /** Creates an organization with a fresh {@code whsec_} signing secret. */
  public Organization create(String name, String slug, Tier tier) {
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    // One transaction (or the caller's): the organization never exists without its cap.
    tx.executeWithoutResult(
        status -> {
          jdbc.sql(ORGANIZATION_INSERT)
              .param("id", id)
              .param("name", name)
              .param("slug", slug)
              .param("tier", tier.code())
              .param("signing_secret", secrets.seal(newSigningSecret()))
              .param("now", SqlTime.ts(now))
              .update();
          setConcurrency(id, tier);
        });
    return get(id);
  }

  /**
   * Keeps the engine's cap on the organization's running deliveries equal to its tier's
   * concurrency; call wherever the tier is set or changed, in that transaction ({@link
   * TierConcurrency} brings every organization in line at start-up).
   */
  void setConcurrency(UUID id, Tier tier) {
    engine.setCap(id, tier.limits().concurrency());
  }

  public Organization get(UUID id) {
    return find(id).orElseThrow(() -> ApiProblem.notFound("organization", id));
  }

  public Optional<Organization> find(UUID id) {
    return jdbc.sql(ORGANIZATION_GET).param("id", id).query(Organizations::map).optional();
  }

  public Optional<Organization> findBySlug(String slug) {
    return jdbc.sql(ORGANIZATION_BY_SLUG).param("slug", slug).query(Organizations::map).optional();
  }

  public Organization rename(UUID id, String name) {
    jdbc.sql(ORGANIZATION_RENAME)
        .param("id", id)
        .param("name", name)
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return get(id);
  }

  /** Changes the tier and, with it, the engine's cap on the organization's running deliveries. */
  public Organization setTier(UUID id, Tier tier) {
    tx.executeWithoutResult(
        status -> {
          jdbc.sql(ORGANIZATION_SET_TIER)
              .param("id", id)
              .param("tier", tier.code())
              .param("now", SqlTime.ts(clock.instant()))
              .update();
          setConcurrency(id, tier);
          // API keys carry their organization's tier (ApiKeys): this node's copies go at once.
          changes.changed(ChangeFeed.CREDENTIALS);
        });
    return get(id);
  }

  /**
   * Deletes an organization and everything in it. Most tenant tables cascade from {@code
   * organizations}; the engine's tables (tasks, history, caps) and {@code job_pauses} carry no
   * foreign key (the engine knows no organizations), so they are emptied here first, in the same
   * transaction. A delivery running at that moment finishes, and its completion finds no task row,
   * as if its lease had been lost.
   */
  public void delete(UUID id) {
    tx.executeWithoutResult(
        status -> {
          engine.forget(id);
          jdbc.sql(ORGANIZATION_DELETE_UNLINKED).param("id", id).update();
          jdbc.sql(ORGANIZATION_DELETE).param("id", id).update();
          changes.changed(ChangeFeed.CREDENTIALS);
        });
  }

  /** The current signing secret in clear, for the settings page's reveal. */
  public String signingSecret(UUID organizationId) {
    return signingSecrets(organizationId).getFirst();
  }

  /**
   * Replaces the signing secret. The previous one keeps signing beside the new one for {@link
   * #ROTATION_OVERLAP}, so receivers can switch without losing deliveries; rotating again within
   * the overlap drops the oldest secret at once.
   */
  public Rotation rotateSigningSecret(UUID organizationId) {
    Instant now = clock.instant();
    Instant expires = now.plus(ROTATION_OVERLAP);
    String secret = newSigningSecret();
    int updated =
        jdbc.sql(ORGANIZATION_ROTATE_SIGNING_SECRET)
            .param("id", organizationId)
            .param("signing_secret", secrets.seal(secret))
            .param("expires_at", SqlTime.ts(expires))
            .param("now", SqlTime.ts(now))
            .update();
    if (updated == 0) {
      throw ApiProblem.notFound("organization", organizationId);
    }
    events.publishEvent(new SigningSecretRotated(organizationId));
    return new Rotation(secret, expires);
  }

  /**
   * The secrets deliveries are signed with: the current one, then the previous one while a
   * rotation's overlap lasts.
   */
  public List<String> signingSecrets(UUID organizationId) {
    Instant now = clock.instant();
    return jdbc.sql(ORGANIZATION_SIGNING_SECRETS)
        .param("id", organizationId)
        .query(
            (rs, n) -> {
              List<String> result = new ArrayList<>(2);
              result.add(secrets.openString(rs.getBytes("signing_secret")));
              byte[] previous = rs.getBytes("previous_signing_secret");
              Instant expires = SqlTime.instant(rs, "previous_secret_expires_at");
              if (previous != null && expires != null && expires.isAfter(now)) {
                result.add(secrets.openString(previous));
              }
              return result;
            })
        .optional()
        .orElse(List.of());
  }

  static String newSigningSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return SIGNING_SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  private static Organization map(ResultSet rs, int row) throws SQLException {
    return new Organization(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("slug"),
        Tier.of(rs.getString("tier")),
        SqlTime.instant(rs, "created_at"),
        SqlTime.instant(rs, "updated_at"));
  }
}
