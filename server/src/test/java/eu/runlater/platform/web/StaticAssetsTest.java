package eu.runlater.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.support.Api;
import eu.runlater.support.ServerTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static files over real HTTP: pages link them by a hashed name that is cached for a year, the
 * plain name is revalidated (304 while unchanged), and a hashed name that is not the file's current
 * content is a 404 that nothing keeps.
 */
class StaticAssetsTest extends ServerTest {
  private static final Pattern LINKED =
      Pattern.compile("(?:href|src)=\"(/(?:css|js|webjars)/[^\"]+-[0-9a-f]{32}\\.(?:css|js))\"");

  @Test
  void pages_link_hashed_names_that_are_cached_for_a_year() {
    Api api = new Api(port);
    String page = api.get("/login", null).body();
    List<String> linked = LINKED.matcher(page).results().map(m -> m.group(1)).toList();
    assertThat(linked)
        .as("the login page links its stylesheet and scripts by hashed name: " + page)
        .anyMatch(p -> p.startsWith("/css/app-"))
        .anyMatch(p -> p.startsWith("/webjars/htmx.org/") && p.contains("/htmx.min-"));
    assertThat(page).doesNotContain("href=\"/css/app.css\"");
    for (String path : linked) {
      var file = api.get(path, null);
      assertThat(file.status()).as(path).isEqualTo(200);
      assertThat(file.headers().allValues("Cache-Control"))
          .as(path)
          .containsExactly(StaticAssets.FOREVER);
    }
  }

  @Test
  void the_plain_name_is_revalidated_and_answered_304_while_unchanged() {
    Api api = new Api(port);
    var plain = api.get("/css/app.css", null);
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.headers().allValues("Cache-Control")).containsExactly(StaticAssets.REVALIDATE);
    String modified = plain.headers().firstValue("Last-Modified").orElseThrow();
    var again = api.send(api.request("/css/app.css").header("If-Modified-Since", modified));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void a_hashed_name_that_is_not_the_current_content_is_not_found_and_not_kept() {
    Api api = new Api(port);
    Matcher current = LINKED.matcher(api.get("/login", null).body());
    assertThat(current.find()).isTrue();
    String stale = current.group(1).replaceAll("-[0-9a-f]{32}\\.", "-" + "0".repeat(32) + ".");
    var answer = api.get(stale, null);
    assertThat(answer.status()).as(stale).isEqualTo(404);
    assertThat(answer.headers().allValues("Cache-Control")).doesNotContain(StaticAssets.FOREVER);
  }
}
