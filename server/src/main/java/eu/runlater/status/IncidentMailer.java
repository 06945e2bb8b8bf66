package eu.runlater.status;

import static eu.runlater.status.IncidentBookQueries.OUTBOX_DELETE;
import static eu.runlater.status.IncidentBookQueries.OUTBOX_RETRY;
import static eu.runlater.status.IncidentBookQueries.OUTBOX_TAKE_DUE;

import eu.runlater.engine.SqlTime;
import eu.runlater.platform.BackgroundLoop;
import eu.runlater.platform.mail.MailRefusedException;
import eu.runlater.platform.mail.Mailer;
import eu.runlater.platform.mail.RichMail;
import eu.runlater.platform.web.PublicUrl;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.util.HtmlUtils;

/**
 * Sends the outbox of incident updates to subscribers, on every node: takes due rows under their
 * lock ({@code SKIP LOCKED}, so two nodes never mail the same row), sends each through the
 * instance's {@link Mailer}, and deletes it in the same transaction. A relay that fails for now
 * pushes the row on (1 min, doubling, at most 1 h) and it is tried again for three days; a relay
 * that refuses the address for good drops it. A node that dies mid-send leaves its rows locked only
 * until its transaction ends: another node takes them (a mail may then go twice, never not at all).
 */
@Component
class IncidentMailer extends BackgroundLoop {
  private static final Logger log = LoggerFactory.getLogger(IncidentMailer.class);
  static final int BATCH = 50;
  static final Duration POLL = Duration.ofSeconds(2);
  static final int MAX_ATTEMPTS = 80;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final Mailer mailer;
  private final PublicUrl publicUrl;
  private final Subscribers subscribers;
  private final InstantSource clock;

  IncidentMailer(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Mailer mailer,
      PublicUrl publicUrl,
      Subscribers subscribers,
      InstantSource clock) {
    super("runlater-status-mail", "Sending incident mail");
    this.jdbc = jdbc;
    this.tx = tx;
    this.mailer = mailer;
    this.publicUrl = publicUrl;
    this.subscribers = subscribers;
    this.clock = clock;
  }

  private record Due(
      UUID id,
      int attempts,
      UUID subscriberId,
      UUID pageId,
      String email,
      String slug,
      String pageTitle,
      String status,
      String body,
      Instant at,
      String title,
      String kind) {}

  /** What a pass did. */
  record Pass(int sent, int retried, int dropped) {}

  @Override
  protected void loop() {
    while (running()) {
      try {
        Pass pass;
        do {
          pass = runOnce(clock.instant());
        } while (running() && pass.sent() + pass.retried() + pass.dropped() == BATCH);
        passSucceeded();
      } catch (RuntimeException e) {
        passFailed(e);
      }
      synchronized (this) {
        try {
          wait(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** One batch of due mails, in one transaction. */
  Pass runOnce(Instant now) {
    return tx.execute(
        status -> {
          List<Due> due =
              jdbc.sql(OUTBOX_TAKE_DUE)
                  .param("now", SqlTime.ts(now))
                  .param("limit", BATCH)
                  .query(
                      (rs, n) ->
                          new Due(
                              rs.getObject("id", UUID.class),
                              rs.getInt("attempts"),
                              rs.getObject("subscriber_id", UUID.class),
                              rs.getObject("page_id", UUID.class),
                              rs.getString("email"),
                              rs.getString("slug"),
                              rs.getString("page_title"),
                              rs.getString("update_status"),
                              rs.getString("body"),
                              SqlTime.instant(rs, "update_at"),
                              rs.getString("title"),
                              rs.getString("kind")))
                  .list();
          // Each subscriber's own unsubscribe link (its token is kept sealed by Subscribers).
          Map<UUID, String> unsubscribe = new HashMap<>();
          subscribers
              .confirmed(due.stream().map(Due::pageId).distinct().toList())
              .forEach(s -> unsubscribe.put(s.id(), s.unsubscribeUrl()));
          int sent = 0;
          int retried = 0;
          int dropped = 0;
          for (Due d : due) {
            try {
              mailer.sendNow(mail(d, unsubscribe.get(d.subscriberId())));
              jdbc.sql(OUTBOX_DELETE).param("id", d.id()).update();
              sent++;
            } catch (MailRefusedException e) {
              log.warn(
                  "The relay refused the incident mail to {} for good: {}",
                  d.email(),
                  e.getMessage());
              jdbc.sql(OUTBOX_DELETE).param("id", d.id()).update();
              dropped++;
            } catch (IOException | RuntimeException e) {
              if (d.attempts() + 1 >= MAX_ATTEMPTS) {
                log.warn(
                    "Giving up the incident mail to {} after {} attempts",
                    d.email(),
                    MAX_ATTEMPTS,
                    e);
                jdbc.sql(OUTBOX_DELETE).param("id", d.id()).update();
                dropped++;
                continue;
              }
              long minutes = Math.min(60, 1L << Math.min(d.attempts(), 6));
              jdbc.sql(OUTBOX_RETRY)
                  .param("id", d.id())
                  .param("due_at", SqlTime.ts(now.plus(Duration.ofMinutes(minutes))))
                  .param("error", String.valueOf(e.getMessage()))
                  .update();
              retried++;
            }
          }
          return new Pass(sent, retried, dropped);
        });
  }

  RichMail mail(Due d, String unsubscribeUrl) {
    String page = publicUrl.of("/status/" + d.slug());
    String status = d.status().replace('_', ' ');
    String subject =
        "["
            + d.pageTitle()
            + "] "
            + d.title()
            + ": "
            + Character.toUpperCase(status.charAt(0))
            + status.substring(1);
    String unsubscribe = unsubscribeUrl == null ? page : unsubscribeUrl;
    String text =
        d.title()
            + "\n"
            + status
            + "\n\n"
            + d.body()
            + "\n\nFollow it at "
            + page
            + "\n\nYou get this because you subscribed to "
            + d.pageTitle()
            + ". Unsubscribe: "
            + unsubscribe
            + "\n";
    String html =
        "<p><strong>"
            + HtmlUtils.htmlEscape(d.title())
            + "</strong><br>"
            + HtmlUtils.htmlEscape(status)
            + "</p><p>"
            + HtmlUtils.htmlEscape(d.body()).replace("\n", "<br>")
            + "</p><p><a href=\""
            + HtmlUtils.htmlEscape(page)
            + "\">Follow it on the status page</a></p><p style=\"color:#666\">You get this because"
            + " you subscribed to "
            + HtmlUtils.htmlEscape(d.pageTitle())
            + ". <a href=\""
            + HtmlUtils.htmlEscape(unsubscribe)
            + "\">Unsubscribe</a></p>";
    return new RichMail(List.of(d.email()), subject, text, html);
  }
}
