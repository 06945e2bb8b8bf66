package eu.runlater.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The scan itself: it reports a serious violation both in the first document of a tab, where axe is
 * injected, and in the next one, where the tab loaded axe as the document started.
 */
class AxeTest {
  @Test
  void a_serious_violation_is_found_in_the_first_page_of_a_tab_and_in_the_next() {
    try (BrowserContext context = Chromium.context()) {
      Page page = Chromium.page(context);
      page.navigate(document("<img src=\"chart.png\">"));
      assertThat(Axe.serious(page)).singleElement().asString().startsWith("- image-alt (critical)");

      page.navigate(document("<img src=\"chart.png\" alt=\"Chart\"><button></button>"));
      assertThat(page.evaluate("() => typeof window.axe")).isNotEqualTo("undefined");
      assertThat(Axe.serious(page))
          .singleElement()
          .asString()
          .startsWith("- button-name (critical)");

      page.navigate(document("<img src=\"chart.png\" alt=\"Chart\">"));
      assertThat(Axe.serious(page)).isEmpty();
    }
  }

  @Test
  void a_target_smaller_than_24_px_beside_another_is_a_wcag_2_2_violation() {
    try (BrowserContext context = Chromium.context()) {
      Page page = Chromium.page(context);
      // target-size (WCAG 2.2, 2.5.8) is off among axe's defaults: only the WCAG 2.2 tag turns it
      // on. A 10×10 button touching another has neither the size nor the spacing.
      String tiny = "style=\"width:10px;height:10px;padding:0\"";
      page.navigate(
          document(
              "<button %s aria-label=\"Back\"></button><button %s aria-label=\"On\"></button>"
                  .formatted(tiny, tiny)));
      assertThat(Axe.serious(page))
          .singleElement()
          .asString()
          .startsWith("- target-size (serious)");
    }
  }

  private static String document(String main) {
    String html =
        "<!doctype html><html lang=\"en\"><head><title>Axe</title></head><body><main>"
            + main
            + "</main></body></html>";
    return "data:text/html," + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
