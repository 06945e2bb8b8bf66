package eu.runlater.alerts;

import java.util.List;
import org.springframework.web.util.HtmlUtils;

/** An alert as the HTML part of a mail: simple tables, inline styles, everything escaped. */
final class MailFormat {
  private MailFormat() {}

  static String html(AlertMessage m) {
    boolean trouble = AlertTexts.trouble(m) && !m.informational();
    String color = trouble ? "#d93025" : "#1e8e3e";
    StringBuilder h = new StringBuilder();
    h.append(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#202124\">");
    h.append("<h2 style=\"color:")
        .append(color)
        .append("\">")
        .append(e(m.headline()))
        .append("</h2>");
    List<AlertMessage.Item> items = m.items();
    for (AlertMessage.Item item : items.subList(0, Math.min(items.size(), AlertTexts.LISTED))) {
      h.append("<h3>");
      if (item.subjectUrl() != null) {
        h.append("<a href=\"")
            .append(e(item.subjectUrl()))
            .append("\">")
            .append(e(AlertTexts.title(item)))
            .append("</a>");
      } else {
        h.append(e(AlertTexts.title(item)));
      }
      h.append("</h3><table cellpadding=\"4\">");
      for (AlertTexts.Fact f : AlertTexts.facts(item, m.at())) {
        h.append("<tr><th align=\"left\">").append(e(f.label())).append("</th><td>");
        if (f.label().equals("Response")) {
          h.append("<pre style=\"white-space:pre-wrap;margin:0\">")
              .append(e(f.value()))
              .append("</pre>");
        } else {
          h.append(e(f.value()));
        }
        h.append("</td></tr>");
      }
      h.append("</table><p>");
      boolean first = true;
      for (AlertTexts.Link l : AlertTexts.links(item)) {
        h.append(first ? "" : " · ")
            .append("<a href=\"")
            .append(e(l.url()))
            .append("\">")
            .append(e(l.label()))
            .append("</a>");
        first = false;
      }
      h.append("</p>");
    }
    if (items.size() > AlertTexts.LISTED) {
      h.append("<p>…and ").append(items.size() - AlertTexts.LISTED).append(" more.</p>");
    }
    h.append("<p style=\"color:#5f6368;font-size:small\">")
        .append(e(m.organizationName()))
        .append(" · ")
        .append(e(AlertTexts.time(m.at())));
    if (m.dashboardUrl() != null) {
      h.append(" · <a href=\"").append(e(m.dashboardUrl())).append("\">All notifications</a>");
    }
    h.append("</p></body></html>");
    return h.toString();
  }

  private static String e(String s) {
    return s == null ? "" : HtmlUtils.htmlEscape(s, "UTF-8");
  }
}
