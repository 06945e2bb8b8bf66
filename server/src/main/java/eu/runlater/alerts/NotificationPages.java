package eu.runlater.alerts;

import eu.runlater.organizations.Viewer;
import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The notification log: every message handed to a channel, newest first, filtered by channel, kind,
 * status or incident, paged by cursor like the runs log; and one message with the text sent and
 * every attempt's answer.
 */
@Pages
class NotificationPages {
  static final int PAGE_SIZE = 50;
  static final List<String> KINDS =
      List.of(
          AlertMessage.ALERT,
          AlertMessage.RECOVERY,
          AlertMessage.REMINDER,
          AlertMessage.DIGEST,
          AlertMessage.TEST,
          AlertMessage.NOTICE);
  static final List<String> STATUSES = List.of("pending", "retrying", "delivered", "failed");

  private final NotificationLog log;
  private final AlertChannels channels;

  NotificationPages(NotificationLog log, AlertChannels channels) {
    this.log = log;
    this.channels = channels;
  }

  @GetMapping("/notifications")
  String list(
      Viewer viewer,
      @RequestParam(required = false) String channel,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String incident,
      @RequestParam(required = false) String before,
      Model model) {
    UUID org = viewer.organizationId();
    UUID channelId = uuid(channel);
    UUID incidentId = uuid(incident);
    String k = kind != null && KINDS.contains(kind) ? kind : null;
    String s = status != null && STATUSES.contains(status) ? status : null;
    UUID cursor = uuid(before);
    List<NotificationLog.Notification> rows =
        log.list(
            org, new NotificationLog.Filter(channelId, k, s, incidentId), cursor, PAGE_SIZE + 1);
    boolean more = rows.size() > PAGE_SIZE;
    List<NotificationLog.Notification> page = more ? rows.subList(0, PAGE_SIZE) : rows;
    model.addAttribute("rows", page);
    model.addAttribute("channels", channels.list(org));
    model.addAttribute("kinds", KINDS);
    model.addAttribute("statuses", STATUSES);
    model.addAttribute("channel", channelId == null ? "" : channelId.toString());
    model.addAttribute("kind", k == null ? "" : k);
    model.addAttribute("status", s == null ? "" : s);
    model.addAttribute("incident", incidentId);
    model.addAttribute(
        "filtered", channelId != null || k != null || s != null || incidentId != null);
    model.addAttribute("older", cursor != null);
    UriComponentsBuilder here =
        UriComponentsBuilder.fromPath("/notifications")
            .queryParamIfPresent("channel", java.util.Optional.ofNullable(channelId))
            .queryParamIfPresent("kind", java.util.Optional.ofNullable(k))
            .queryParamIfPresent("status", java.util.Optional.ofNullable(s))
            .queryParamIfPresent("incident", java.util.Optional.ofNullable(incidentId));
    model.addAttribute("newestUrl", here.cloneBuilder().toUriString());
    model.addAttribute(
        "olderUrl",
        more ? here.cloneBuilder().queryParam("before", page.getLast().id()).toUriString() : null);
    return "alerts/notifications";
  }

  @GetMapping("/notifications/{id}")
  String detail(Viewer viewer, @PathVariable UUID id, Model model) {
    UUID org = viewer.organizationId();
    NotificationLog.Notification n =
        log.find(org, id)
            .orElseThrow(
                () -> new PageException(HttpStatus.NOT_FOUND, "There is no such notification."));
    model.addAttribute("n", n);
    model.addAttribute("attempts", log.attempts(org, id));
    return "alerts/notification";
  }

  private static final Set<Integer> UUID_LENGTHS = Set.of(36);

  static UUID uuid(String value) {
    if (value == null || !UUID_LENGTHS.contains(value.strip().length())) {
      return null;
    }
    try {
      return UUID.fromString(value.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
