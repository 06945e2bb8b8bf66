package eu.runlater.support;

import com.microsoft.playwright.APIRequestContext;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The system Chromium driven by Playwright, launched once per test JVM. Each test takes a fresh
 * context (its own cookies). Set {@code RUNLATER_CHROMIUM} to use another binary.
 *
 * <p>Its headless shell when installed (Debian's chromium-headless-shell, which .ci/run installs),
 * else the full browser in its headless mode: the shell is the same Blink and V8 without the
 * browser around them, and the browser took twice its CPU for the same pages (QueuePagesBrowserTest
 * on a loaded two-core machine: 69 CPU-seconds of Chromium against 31, the class 120 s against 87
 * s). Playwright's own default for headless runs is such a shell.
 */
public final class Chromium {
  /** Debian's headless shell (package chromium-headless-shell). */
  public static final Path HEADLESS_SHELL = Path.of("/usr/bin/chromium-headless-shell");

  /** Debian's full browser (package chromium), when the shell is not installed. */
  public static final Path FULL = Path.of("/usr/bin/chromium");

  /**
   * A host name this browser resolves to 127.0.0.1 whose pages are not a secure context (neither
   * HTTPS nor localhost): what a user sees of an instance on plain HTTP at a name of its own, where
   * the browser withholds APIs such as the clipboard's. Its requests go through the browser only:
   * {@link #signIn(BrowserContext, String, String)} cannot reach it, {@link #signIn(Page, String,
   * String)} can.
   */
  public static final String INSECURE_HOST = "runlater.test";

  private static Playwright playwright;
  private static Browser browser;

  private Chromium() {}

  public static synchronized Browser browser() {
    if (browser == null) {
      Path executable = executable();
      playwright = Playwright.create();
      browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(executable)
                      .setHeadless(true)
                      .setArgs(
                          List.of(
                              "--no-sandbox",
                              "--disable-gpu",
                              "--disable-background-networking",
                              "--disable-component-update",
                              "--disable-sync",
                              "--no-first-run",
                              "--disable-quic",
                              "--host-resolver-rules=MAP " + INSECURE_HOST + " 127.0.0.1")));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    browser.close();
                    playwright.close();
                  }));
    }
    return browser;
  }

  private static Path executable() {
    String chosen = System.getenv("RUNLATER_CHROMIUM");
    if (chosen != null && !chosen.isBlank()) {
      if (!Files.isExecutable(Path.of(chosen))) {
        throw new IllegalStateException(
            "RUNLATER_CHROMIUM is " + chosen + ", which is not an executable file");
      }
      return Path.of(chosen);
    }
    for (Path candidate : List.of(HEADLESS_SHELL, FULL)) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Browser tests need Chromium at "
            + HEADLESS_SHELL
            + " or "
            + FULL
            + ": install it (Debian: apt-get install chromium-headless-shell; .ci/run does) or set"
            + " RUNLATER_CHROMIUM");
  }

  /** A fresh browser profile at a desktop size. */
  public static BrowserContext context() {
    return browser()
        .newContext(new Browser.NewContextOptions().setViewportSize(1280, 860).setLocale("en-GB"));
  }

  /** A fresh profile that looks like a phone. */
  public static BrowserContext phone() {
    return browser()
        .newContext(
            new Browser.NewContextOptions()
                .setViewportSize(390, 844)
                .setDeviceScaleFactor(2)
                .setIsMobile(true)
                .setHasTouch(true)
                .setLocale("en-GB"));
  }

  /** Signs in through the login form as {@code email} (password {@link Fixtures#PASSWORD}). */
  public static void signIn(Page page, String base, String email) {
    page.navigate(base + "/login");
    page.locator("#email").fill(email);
    page.locator("#password").fill(Fixtures.PASSWORD);
    page.locator("form[action='/login'] button").click();
    page.waitForURL(url -> !url.contains("/login"));
  }

  private static final java.util.regex.Pattern CSRF =
      java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /**
   * A server session of each email signed in by {@link #signIn(BrowserContext, String, String)} in
   * this JVM: its cookies, for that email's next profiles. Fixture users' emails are never reused,
   * so an entry belongs to the one user a test or class made.
   */
  private static final Map<String, List<Cookie>> SESSIONS = new ConcurrentHashMap<>();

  /**
   * Signs {@code context} in as {@code email} (password {@link Fixtures#PASSWORD}) without
   * rendering a page. The email's first profile in this JVM signs in through the login form with
   * the context's own request client, as {@link ServerTest#signIn} does over HTTP; its later
   * profiles get that session's cookie, so a test's desktop and phone share one session as two tabs
   * would. A sign-in is two requests and an Argon2id hash; a fresh profile from a cookie is
   * neither. Tests about what comes after sign-in use this one; the form itself is driven by {@link
   * #signIn(Page, String, String)} and AccountPagesBrowserTest. Only for users whose session no
   * test ends (sign-out, a new password, a deleted account): their later profiles would be signed
   * out.
   */
  public static void signIn(BrowserContext context, String base, String email) {
    List<Cookie> session = SESSIONS.get(email);
    if (session != null) {
      context.addCookies(session);
      return;
    }
    postLoginForm(context, base, email);
    SESSIONS.put(email, context.cookies(base));
  }

  private static void postLoginForm(BrowserContext context, String base, String email) {
    APIRequestContext request = context.request();
    String form = request.get(base + "/login").text();
    java.util.regex.Matcher csrf = CSRF.matcher(form);
    if (!csrf.find()) {
      throw new AssertionError("no CSRF token on the login form");
    }
    APIResponse response =
        request.post(
            base + "/login",
            RequestOptions.create()
                .setForm(
                    FormData.create()
                        .set("email", email)
                        .set("password", Fixtures.PASSWORD)
                        .set("_csrf", csrf.group(1)))
                .setMaxRedirects(0));
    String location = response.headers().getOrDefault("location", "");
    if (response.status() != 302 || location.contains("/login")) {
      throw new AssertionError(
          "sign-in as " + email + " failed: " + response.status() + " -> " + location);
    }
  }

  /** A page whose dialogs (confirmations) are accepted. */
  public static Page page(BrowserContext context) {
    Page page = context.newPage();
    page.onDialog(dialog -> dialog.accept());
    page.setDefaultTimeout(15_000);
    return page;
  }
}
