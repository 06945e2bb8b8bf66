package eu.runlater.support;

import com.microsoft.playwright.Page;
import java.util.List;

/** Layout checks in the real browser: nothing sticks out of the viewport or its container. */
public final class Layout {
  private Layout() {}

  /**
   * Elements wider than their container: the page itself scrolling sideways, a table wider than its
   * wrapper (its columns or buttons hidden behind a scrollbar), or an element whose right edge
   * passes its scroll container's. Each entry names the element and both widths.
   */
  @SuppressWarnings("unchecked")
  public static List<String> overflowing(Page page) {
    return (List<String>)
        page.evaluate(
            """
            () => {
              const out = [];
              const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
              const doc = document.documentElement;
              if (doc.scrollWidth > doc.clientWidth + 1) {
                out.push('page scrolls sideways: ' + doc.scrollWidth + ' > ' + doc.clientWidth);
              }
              for (const e of document.querySelectorAll('main *')) {
                const style = getComputedStyle(e);
                if (style.display === 'none' || style.visibility === 'hidden') continue;
                if (e.closest('pre, .sr-only, [hidden], details:not([open]) > :not(summary)')) continue;
                if ((style.overflowX === 'auto' || style.overflowX === 'scroll')
                    && e.scrollWidth > e.clientWidth + 1) {
                  out.push(name(e) + ' scrolls sideways: content ' + e.scrollWidth + ' > box ' + e.clientWidth);
                }
              }
              for (const t of document.querySelectorAll('main table')) {
                const box = t.parentElement;
                if (t.offsetWidth > box.clientWidth + 1) {
                  out.push(name(t) + ' is wider than its box: ' + t.offsetWidth + ' > ' + box.clientWidth);
                }
              }
              return out;
            }
            """);
  }

  /** Fails when {@link #overflowing} finds anything. */
  public static void assertFits(Page page) {
    List<String> found = overflowing(page);
    if (!found.isEmpty()) {
      throw new AssertionError(
          "Wider than its container on " + page.url() + ":\n- " + String.join("\n- ", found));
    }
  }
}
