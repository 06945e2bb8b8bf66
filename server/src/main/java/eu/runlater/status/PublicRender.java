package eu.runlater.status;

import eu.runlater.platform.web.PublicUrl;
import eu.runlater.status.StatusSnapshot.Component;
import eu.runlater.status.StatusSnapshot.Day;
import eu.runlater.status.StatusSnapshot.Group;
import eu.runlater.status.StatusSnapshot.Incident;
import eu.runlater.status.StatusSnapshot.Update;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a {@link StatusSnapshot} as the public page (HTML, no script), its JSON, and its Atom and
 * RSS feeds. Pure: the same snapshot gives the same bytes, so {@link PublicCache} renders each form
 * once. {@code base} is where the page lives: {@code /status/<slug>}, {@code /status} for the
 * instance, or empty on the page's own host.
 */
@org.springframework.stereotype.Component
public class PublicRender {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final TemplateEngine templates;
  private final JsonMapper json;
  private final PublicUrl urls;

  PublicRender(TemplateEngine templates, JsonMapper json, PublicUrl urls) {
    this.templates = templates;
    this.json = json;
    this.urls = urls;
  }

  /** The page in HTML. A preview's page says so and has no form that posts. */
  public String html(StatusSnapshot s, String base) {
    Context context = new Context(Locale.ENGLISH);
    context.setVariable("s", s);
    context.setVariable("base", base);
    context.setVariable("fmt", this);
    return templates.process("status/public", context);
  }

  /** The page in HTML as the editor's preview shows it. */
  public String preview(StatusSnapshot s) {
    return html(s, "/status/" + (s.page() == null ? "" : s.page().slug()));
  }

  /** For the templates: an instant in words, UTC. */
  public String when(Instant at) {
    return at == null ? "" : WHEN.format(at);
  }

  /** For the templates: an instant for {@code <time datetime>}. */
  public String iso(Instant at) {
    return at == null ? "" : at.toString();
  }

  String json(StatusSnapshot s, String selfUrl) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("slug", s.page() == null ? null : s.page().slug());
    page.put("title", s.title());
    page.put("description", s.description());
    page.put("url", selfUrl);
    page.put("updated_at", s.lastChange());
    root.put("page", page);
    root.put("status", Map.of("state", s.state(), "description", s.stateLabel()));
    List<Object> components = new ArrayList<>();
    for (Group g : s.groups()) {
      for (Component c : g.components()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("name", c.name());
        m.put("group", g.name().isEmpty() ? null : g.name());
        m.put("description", c.description());
        m.put("kind", c.kind());
        m.put("state", c.state());
        m.put("detail", c.detail());
        m.put("uptime_90d", c.uptime());
        List<Object> days = new ArrayList<>();
        for (Day d : c.days()) {
          Map<String, Object> day = new LinkedHashMap<>();
          day.put("date", d.day().toString());
          day.put("uptime", d.uptime());
          day.put("down_seconds", d.downSeconds());
          days.add(day);
        }
        m.put("days", days);
        components.add(m);
      }
    }
    root.put("components", components);
    root.put("incidents", incidents(s.active()));
    root.put("scheduled_maintenances", incidents(s.maintenance()));
    root.put("past_incidents", incidents(s.past()));
    return json.writeValueAsString(root);
  }

  private static List<Object> incidents(List<Incident> list) {
    List<Object> out = new ArrayList<>();
    for (Incident i : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("kind", i.kind());
      m.put("title", i.title());
      m.put("impact", i.impact());
      m.put("status", i.status());
      m.put("automatic", i.automatic());
      m.put("starts_at", i.startsAt());
      m.put("ends_at", i.endsAt());
      m.put("created_at", i.createdAt());
      m.put("updated_at", i.updatedAt());
      m.put("resolved_at", i.resolvedAt());
      m.put("components", i.components());
      List<Object> updates = new ArrayList<>();
      for (Update u : i.updates()) {
        Map<String, Object> um = new LinkedHashMap<>();
        um.put("status", u.status());
        um.put("body", u.body());
        um.put("created_at", u.at());
        updates.add(um);
      }
      m.put("updates", updates);
      out.add(m);
    }
    return out;
  }

  /** Every incident and maintenance the page shows, newest change first: the feeds' entries. */
  private static List<Incident> entries(StatusSnapshot s) {
    List<Incident> all = new ArrayList<>(s.active());
    all.addAll(s.maintenance());
    all.addAll(s.past());
    all.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
    return all;
  }

  private static String entryText(Incident i) {
    StringBuilder text = new StringBuilder();
    if (i.kind().equals("maintenance")) {
      text.append("Scheduled ")
          .append(WHEN.format(i.startsAt()))
          .append(" to ")
          .append(WHEN.format(i.endsAt()))
          .append(".\n\n");
    }
    if (!i.components().isEmpty()) {
      text.append("Affects: ").append(String.join(", ", i.components())).append(".\n\n");
    }
    for (Update u : i.updates()) {
      text.append(WHEN.format(u.at()))
          .append(" — ")
          .append(StatusSnapshotStates.incidentLabel(u.status()))
          .append(": ")
          .append(u.body())
          .append("\n\n");
    }
    return text.toString().strip();
  }

  String atom(StatusSnapshot s, String pageUrl) {
    return xml(
        w -> {
          w.writeStartElement("feed");
          w.writeDefaultNamespace("http://www.w3.org/2005/Atom");
          element(w, "id", pageUrl);
          element(w, "title", s.title() + " status");
          element(w, "updated", s.lastChange().toString());
          link(w, pageUrl, "alternate", "text/html");
          link(w, pageUrl + "/feed.atom", "self", "application/atom+xml");
          w.writeStartElement("author");
          element(w, "name", s.title());
          w.writeEndElement();
          for (Incident i : entries(s)) {
            w.writeStartElement("entry");
            element(w, "id", "urn:uuid:" + i.id());
            element(w, "title", title(i));
            element(w, "updated", i.updatedAt().toString());
            element(w, "published", i.createdAt().toString());
            link(w, pageUrl + "#incident-" + i.id(), "alternate", "text/html");
            w.writeStartElement("content");
            w.writeAttribute("type", "text");
            w.writeCharacters(entryText(i));
            w.writeEndElement();
            w.writeEndElement();
          }
          w.writeEndElement();
        });
  }

  String rss(StatusSnapshot s, String pageUrl) {
    return xml(
        w -> {
          w.writeStartElement("rss");
          w.writeAttribute("version", "2.0");
          w.writeNamespace("atom", "http://www.w3.org/2005/Atom");
          w.writeStartElement("channel");
          element(w, "title", s.title() + " status");
          element(w, "link", pageUrl);
          element(w, "description", "Incidents and maintenance of " + s.title());
          element(w, "lastBuildDate", RFC_1123.format(s.lastChange().atOffset(ZoneOffset.UTC)));
          w.writeEmptyElement("atom", "link", "http://www.w3.org/2005/Atom");
          w.writeAttribute("href", pageUrl + "/feed.rss");
          w.writeAttribute("rel", "self");
          w.writeAttribute("type", "application/rss+xml");
          for (Incident i : entries(s)) {
            w.writeStartElement("item");
            element(w, "title", title(i));
            element(w, "link", pageUrl + "#incident-" + i.id());
            w.writeStartElement("guid");
            w.writeAttribute("isPermaLink", "false");
            w.writeCharacters("urn:uuid:" + i.id());
            w.writeEndElement();
            element(w, "pubDate", RFC_1123.format(i.createdAt().atOffset(ZoneOffset.UTC)));
            element(w, "description", entryText(i));
            w.writeEndElement();
          }
          w.writeEndElement();
          w.writeEndElement();
        });
  }

  private static String title(Incident i) {
    return i.title() + " (" + StatusSnapshotStates.incidentLabel(i.status()) + ")";
  }

  /** The page's address for links that leave the request (feeds, JSON). */
  String absolute(String base, String host) {
    return host != null ? "https://" + host : urls.of(base);
  }

  private interface Writing {
    void write(XMLStreamWriter w) throws XMLStreamException;
  }

  private static String xml(Writing body) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      body.write(w);
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static void element(XMLStreamWriter w, String name, String text)
      throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(text == null ? "" : text);
    w.writeEndElement();
  }

  private static void link(XMLStreamWriter w, String href, String rel, String type)
      throws XMLStreamException {
    w.writeEmptyElement("link");
    w.writeAttribute("href", href);
    w.writeAttribute("rel", rel);
    w.writeAttribute("type", type);
  }
}
