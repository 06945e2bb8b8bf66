package eu.runlater.support;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

/**
 * Accessibility scans with axe-core in the real browser, with the rules axe tags WCAG 2.0, 2.1 and
 * 2.2 at levels A and AA and its best practices: axe's defaults plus the WCAG 2.2 rules it leaves
 * off unless asked for (in axe 4.11, target-size: 24×24 CSS px or enough space around). A page
 * passes when axe finds no serious or critical violation on it.
 */
public final class Axe {
  /**
   * The axe-core that the axe-core-maven-html library bundles, read once per JVM: its AxeBuilder
   * reads it from the jar and sends all 560 kB of it to the browser on every scan, even into a page
   * that already has it.
   */
  private static final String SOURCE = bundledSource();

  /**
   * How a scan runs, for speed (same violations): axe reports in full only the violations, it runs
   * in the page itself ({@code axe.run}) rather than in partial runs merged in a new blank page —
   * our pages have no frames for it to cross — and only the violations cross back to Java. Before
   * the rules it preloads only media: its other asset, every stylesheet fetched again over HTTP, is
   * for css-orientation-lock alone, a rule axe tags experimental and so leaves off.
   *
   * <p>The rules are chosen by tag rather than left to axe's defaults, because the defaults leave
   * out WCAG 2.2 (target-size is the one rule it adds in axe 4.11). A choice by tag still leaves
   * out the rules axe tags experimental or deprecated, as the defaults do.
   */
  private static final String RUN =
      """
      () => axe.run(document, {
        runOnly: {type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
        resultTypes: ['violations'],
        preload: {assets: ['media']}
      }).then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), html: n.html}))
      })))
      """;

  /** The tabs that load axe into each new document themselves. */
  private static final Set<Page> LOADING = Collections.newSetFromMap(new WeakHashMap<>());

  private Axe() {}

  /** The serious and critical violations on the page as it stands, one line each, readable. */
  @SuppressWarnings("unchecked")
  public static List<String> serious(Page page) {
    // A page scanned again after a click or an htmx swap still has axe: it goes in once a document.
    if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe !== 'undefined'"))) {
      page.evaluate("() => {" + SOURCE + "}");
      loadIntoEveryDocumentOf(page);
    }
    List<Map<String, Object>> violations = (List<Map<String, Object>>) page.evaluate(RUN);
    return violations.stream()
        .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
        .map(Axe::describe)
        .toList();
  }

  /**
   * Has the tab load axe as each new document starts, so that the next page it scans has axe
   * already: Chromium compiles the same script once for the tab and reuses the code, where an
   * injection into each new document parsed and compiled all of it again (in ScreenshotsTest, on a
   * loaded machine: a scan 0.59 s on average with an injection each, 0.43 s with this, and a page
   * load 0.04 s longer).
   */
  private static void loadIntoEveryDocumentOf(Page page) {
    synchronized (LOADING) {
      if (LOADING.add(page)) {
        page.addInitScript(SOURCE);
      }
    }
  }

  /** Fails with every serious or critical violation (rule, help and the elements it found). */
  public static void assertClean(Page page) {
    List<String> found = serious(page);
    if (!found.isEmpty()) {
      throw new AssertionError(
          "axe-core found "
              + found.size()
              + " serious or critical violation(s) on "
              + page.url()
              + ":\n"
              + String.join("\n", found));
    }
  }

  @SuppressWarnings("unchecked")
  private static String describe(Map<String, Object> rule) {
    String nodes =
        ((List<Map<String, Object>>) rule.get("nodes"))
            .stream()
                .limit(5)
                .map(n -> n.get("target") + " " + abbreviate((String) n.get("html")))
                .collect(Collectors.joining("; "));
    return "- "
        + rule.get("id")
        + " ("
        + rule.get("impact")
        + "): "
        + rule.get("help")
        + " → "
        + nodes;
  }

  private static String abbreviate(String html) {
    return html == null || html.length() < 120 ? html : html.substring(0, 117) + "…";
  }

  private static String bundledSource() {
    try (InputStream in = AxeBuilder.class.getResourceAsStream("/axe.min.js")) {
      if (in == null) {
        throw new IllegalStateException("axe.min.js is missing from the axe-core-maven-html jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
