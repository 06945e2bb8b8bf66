package eu.runlater.support;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The browser profiles a test opens, closed together after it. Signed-in ones are signed in by
 * {@link Chromium#signIn(BrowserContext, String, String)}: a user's later profiles share the
 * session of its first.
 */
public final class Profiles {
  private final List<BrowserContext> open = new ArrayList<>();

  /**
   * A fresh profile from {@code device} ({@code Chromium::context}, …) signed in as {@code user}.
   */
  public BrowserContext signedIn(
      Supplier<BrowserContext> device, String base, Fixtures.TestUser user) {
    BrowserContext context = signedOut(device);
    Chromium.signIn(context, base, user.email());
    return context;
  }

  /**
   * A fresh profile from {@code device}, signed in as nobody (for tests that sign in otherwise).
   */
  public BrowserContext signedOut(Supplier<BrowserContext> device) {
    BrowserContext context = device.get();
    open.add(context);
    return context;
  }

  /** A tab of a fresh profile from {@code device} signed in as {@code user}. */
  public Page page(Supplier<BrowserContext> device, String base, Fixtures.TestUser user) {
    return Chromium.page(signedIn(device, base, user));
  }

  /** Closes every profile opened so far. */
  public void close() {
    open.forEach(BrowserContext::close);
    open.clear();
  }
}
