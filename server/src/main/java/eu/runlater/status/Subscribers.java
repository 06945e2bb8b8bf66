package eu.runlater.status;

import static eu.runlater.status.SubscribersQueries.SUBSCRIBERS_CONFIRMED;
import static eu.runlater.status.SubscribersQueries.SUBSCRIBER_BY_TOKEN;
import static eu.runlater.status.SubscribersQueries.SUBSCRIBER_CONFIRM;
import static eu.runlater.status.SubscribersQueries.SUBSCRIBER_DELETE;
import static eu.runlater.status.SubscribersQueries.SUBSCRIBER_UPSERT;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.platform.crypto.Sha256;
import eu.runlater.platform.mail.Mail;
import eu.runlater.platform.mail.Mailer;
import eu.runlater.platform.web.PublicUrl;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Service;

/**
 * Email subscribers of status pages, double opt-in: subscribing mails a link that confirms; only
 * confirmed subscribers get incident mail, each with a link that unsubscribes. The link's token is
 * looked up by its SHA-256; it is kept sealed too, since every later mail carries it. Asking again
 * sends a fresh link and says nothing about whether the address was already there.
 */
@Service
public class Subscribers {
  private static final SecureRandom RANDOM = new SecureRandom();
  // Enough to catch a typo; the confirmation mail is the real check.
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  static final int MAX_EMAIL = 254;

  /** A confirmed subscriber, with the link that ends the subscription (for the mail's footer). */
  record Subscriber(
      UUID id,
      UUID pageId,
      String pageSlug,
      String pageTitle,
      String email,
      String unsubscribeUrl) {}

  /** A subscription reached by its link. */
  record Subscription(UUID pageId, String slug, String title, String email, boolean confirmed) {}

  private final JdbcClient jdbc;
  private final SecretBox secrets;
  private final Mailer mailer;
  private final PublicUrl urls;
  private final InstantSource clock;

  Subscribers(
      JdbcClient jdbc, SecretBox secrets, Mailer mailer, PublicUrl urls, InstantSource clock) {
    this.jdbc = jdbc;
    this.secrets = secrets;
    this.mailer = mailer;
    this.urls = urls;
    this.clock = clock;
  }

  /** The address as stored, or empty when it cannot be one. */
  static Optional<String> normalize(String email) {
    if (email == null) {
      return Optional.empty();
    }
    String e = email.strip().toLowerCase(Locale.ROOT);
    return e.length() <= MAX_EMAIL && EMAIL.matcher(e).matches()
        ? Optional.of(e)
        : Optional.empty();
  }

  /**
   * Subscribes {@code email} (already normalized) to the page and mails the confirmation link (or,
   * to one already confirmed, a fresh unsubscribe link).
   */
  void subscribe(UUID pageId, String slug, String title, String email) {
    String token = token();
    Instant now = clock.instant();
    Instant confirmedAt =
        jdbc.sql(SUBSCRIBER_UPSERT)
            .param("id", Ids.v7(now))
            .param("page_id", pageId)
            .param("email", email)
            .param("token_hash", Sha256.of(token))
            .param("token_sealed", secrets.seal(token))
            .param("now", SqlTime.ts(now))
            .query((rs, n) -> Optional.ofNullable(SqlTime.instant(rs, "confirmed_at")))
            .single()
            .orElse(null);
    String unsubscribe = unsubscribeUrl(slug, token);
    if (confirmedAt == null) {
      mailer.send(
          new Mail(
              email,
              "Confirm your subscription to " + title,
              "Someone (we hope you) asked to be told by email about incidents and maintenance"
                  + " on the status page \""
                  + title
                  + "\".\n\nConfirm the subscription:\n"
                  + urls.of("/status/" + slug + "/subscriptions/confirm?token=" + token)
                  + "\n\nIf it was not you, ignore this mail: nothing will be sent without the"
                  + " confirmation.\n\nUnsubscribe: "
                  + unsubscribe
                  + "\n"));
    } else {
      mailer.send(
          new Mail(
              email,
              "You are subscribed to " + title,
              "This address already gets the incident mail of the status page \""
                  + title
                  + "\".\n\nUnsubscribe: "
                  + unsubscribe
                  + "\n"));
    }
  }

  /** Confirms the subscription of the link, once; empty for a token that is no subscription. */
  Optional<Subscription> confirm(String token) {
    Optional<Subscription> found = find(token);
    if (found.isEmpty()) {
      return found;
    }
    jdbc.sql(SUBSCRIBER_CONFIRM)
        .param("token_hash", Sha256.of(token))
        .param("now", SqlTime.ts(clock.instant()))
        .update();
    return found;
  }

  /** The subscription of the link, if there is one. */
  Optional<Subscription> find(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return Optional.empty();
    }
    return jdbc.sql(SUBSCRIBER_BY_TOKEN)
        .param("token_hash", Sha256.of(token))
        .query(
            (rs, n) ->
                new Subscription(
                    rs.getObject("page_id", UUID.class),
                    rs.getString("slug"),
                    rs.getString("title"),
                    rs.getString("email"),
                    rs.getObject("confirmed_at") != null))
        .optional();
  }

  /** Ends the subscription of the link; false when there was none. */
  boolean unsubscribe(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return false;
    }
    return jdbc.sql(SUBSCRIBER_DELETE)
        .param("token_hash", Sha256.of(token))
        .query((rs, n) -> rs.getObject("page_id", UUID.class))
        .optional()
        .isPresent();
  }

  /**
   * The confirmed subscribers of these pages, each with its unsubscribe link: whom an incident
   * update with {@code notify} is mailed to.
   */
  List<Subscriber> confirmed(Collection<UUID> pageIds) {
    if (pageIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(SUBSCRIBERS_CONFIRMED)
        .param("page_ids", new SqlArrayValue("uuid", pageIds.toArray()))
        .query(
            (rs, n) -> {
              String slug = rs.getString("slug");
              byte[] sealed = rs.getBytes("token_sealed");
              byte[] token = sealed == null ? null : secrets.tryOpen(sealed);
              return new Subscriber(
                  rs.getObject("id", UUID.class),
                  rs.getObject("page_id", UUID.class),
                  slug,
                  rs.getString("title"),
                  rs.getString("email"),
                  token == null
                      ? urls.of("/status/" + slug)
                      : unsubscribeUrl(
                          slug, new String(token, java.nio.charset.StandardCharsets.UTF_8)));
            })
        .list();
  }

  private String unsubscribeUrl(String slug, String token) {
    return urls.of("/status/" + slug + "/subscriptions/unsubscribe?token=" + token);
  }

  private static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
