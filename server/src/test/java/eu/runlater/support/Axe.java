package eu.runlater.support;

import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Accessibility scans with axe-core in the real browser: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
 * A page passes when axe finds no serious or critical violation on it.
 */
public final class Axe {
  static final List<String> TAGS =
      List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa");

  private Axe() {}

  /**
   * How a scan runs, for speed (a third of the time of the defaults, same violations): axe reports
   * in full only the violations (the passes, incomplete and inapplicable rules keep one example
   * node each instead of every node), and it runs in the page itself ({@code axe.run}) rather than
   * in partial runs merged in a new blank page per scan — our pages have no frames for it to cross.
   */
  private static AxeBuilder scan(Page page) {
    AxeRunOptions options = new AxeRunOptions();
    options.setResultTypes(List.of("violations"));
    return new AxeBuilder(page).withTags(TAGS).options(options).setLegacyMode(true);
  }

  /** The serious and critical violations on the page as it stands, one line each, readable. */
  public static List<String> serious(Page page) {
    AxeResults results = scan(page).analyze();
    return results.getViolations().stream()
        .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
        .map(Axe::describe)
        .toList();
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

  private static String describe(Rule rule) {
    String nodes =
        rule.getNodes().stream()
            .limit(5)
            .map(n -> String.valueOf(n.getTarget()) + " " + abbreviate(n.getHtml()))
            .collect(Collectors.joining("; "));
    return "- " + rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " → " + nodes;
  }

  private static String abbreviate(String html) {
    return html == null || html.length() < 120 ? html : html.substring(0, 117) + "…";
  }
}
