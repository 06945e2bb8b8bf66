package eu.runlater.support;

import com.microsoft.playwright.Page;
import java.nio.file.Path;

/**
 * Full-page photographs of what the browser tests see, taken only when asked for: {@code
 * -Drunlater.screenshots=DIR} (the README's come from ScreenshotsTest with {@code
 * $PWD/docs/screenshots}; the other classes' go to a folder of their own name below DIR). A
 * photograph asserts nothing, and a full-page one at a phone's pixel density is among the dearest
 * steps of a page check (a fifth of ScreenshotsTest's time, and on a loaded machine one took longer
 * than Playwright's 15 s), so the test run takes none by default; the checks on each page (axe,
 * layout, content) run either way.
 */
public final class Screenshots {
  private static final String DIR = System.getProperty("runlater.screenshots", "");

  private Screenshots() {}

  /** Whether this run photographs pages. */
  public static boolean wanted() {
    return !DIR.isBlank();
  }

  /** Photographs the whole page as {@code DIR/<name>.png}, if this run photographs pages. */
  public static void take(Page page, String name) {
    if (wanted()) {
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(Path.of(DIR).resolve(name + ".png"))
              .setFullPage(true));
    }
  }

  /** As {@link #take(Page, String)}, in a folder named after {@code test} (its simple name). */
  public static void take(Class<?> test, Page page, String name) {
    take(page, test.getSimpleName() + "/" + name);
  }
}
