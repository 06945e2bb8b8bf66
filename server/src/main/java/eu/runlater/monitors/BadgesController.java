package eu.runlater.monitors;

import static eu.runlater.monitors.MonitorsQueries.*;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * Status badges, readable without auth (the unguessable key is the secret): {@code
 * /badge/<key>.svg} and {@code /badge/<key>.json} (the shields.io endpoint format) for one monitor
 * or for every monitor with a tag (the worst state among them: down, then late, then up).
 */
@RestController
@io.swagger.v3.oas.annotations.security.SecurityRequirements
@Tag(name = "Badges")
class BadgesController {
  private static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");
  private static final CacheControl CACHE = CacheControl.noCache();

  private final JdbcClient jdbc;

  BadgesController(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** What a badge says. */
  record Badge(String label, String status) {
    String color() {
      return switch (status) {
        case "up" -> "#4c1";
        case "late" -> "#dfb317";
        case "down" -> "#e05d44";
        default -> "#9f9f9f";
      };
    }
  }

  @GetMapping("/badge/{file}")
  @Operation(summary = "A monitor's or a tag's status badge: <key>.svg or <key>.json")
  ResponseEntity<?> badge(@PathVariable String file) {
    boolean svg = file.endsWith(".svg");
    boolean json = file.endsWith(".json");
    if (!svg && !json) {
      return notFound();
    }
    String key = file.substring(0, file.lastIndexOf('.'));
    Optional<Badge> badge = find(key);
    if (badge.isEmpty()) {
      return notFound();
    }
    if (svg) {
      return ResponseEntity.ok().cacheControl(CACHE).contentType(SVG).body(svg(badge.get()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemaVersion", 1);
    body.put("label", badge.get().label());
    body.put("message", badge.get().status());
    body.put("color", badge.get().color());
    body.put("status", badge.get().status());
    return ResponseEntity.ok()
        .cacheControl(CACHE)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body);
  }

  Optional<Badge> find(String key) {
    Optional<Badge> own =
        jdbc.sql(MONITOR_BY_BADGE_KEY)
            .param("key", key)
            .query((rs, n) -> new Badge(rs.getString("name"), rs.getString("state")))
            .optional();
    if (own.isPresent()) {
      return own;
    }
    record TagOf(UUID org, String tag) {}
    return jdbc.sql(TAG_BADGE_BY_KEY)
        .param("key", key)
        .query(
            (rs, n) -> new TagOf(rs.getObject("organization_id", UUID.class), rs.getString("tag")))
        .optional()
        .map(
            t -> {
              List<String> states =
                  jdbc.sql(MONITORS_BY_TAG)
                      .param("organization_id", t.org())
                      .param("tag", t.tag())
                      .query((rs, n) -> rs.getString("state"))
                      .list();
              return new Badge(t.tag(), worst(states));
            });
  }

  /** down, then late, then up; new when only new ones; paused when all are paused. */
  static String worst(List<String> states) {
    for (String s : List.of("down", "late", "up", "new", "paused")) {
      if (states.contains(s)) {
        return s;
      }
    }
    return "no monitors";
  }

  static String svg(Badge b) {
    String label = b.label().length() > 40 ? b.label().substring(0, 39) + "…" : b.label();
    int lw = 10 + 7 * label.length();
    int sw = 10 + 7 * b.status().length();
    int w = lw + sw;
    String l = HtmlUtils.htmlEscape(label);
    String s = HtmlUtils.htmlEscape(b.status());
    return """
        <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="20" role="img" \
        aria-label="%s: %s"><title>%s: %s</title>\
        <rect width="%d" height="20" fill="#555"/>\
        <rect x="%d" width="%d" height="20" fill="%s"/>\
        <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" \
        font-size="11"><text x="%d" y="14">%s</text><text x="%d" y="14">%s</text></g></svg>
        """
        .formatted(w, l, s, l, s, lw, lw, sw, b.color(), lw / 2, l, lw + sw / 2, s);
  }

  private static ResponseEntity<String> notFound() {
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .contentType(MediaType.TEXT_PLAIN)
        .body("not found\n");
  }
}
