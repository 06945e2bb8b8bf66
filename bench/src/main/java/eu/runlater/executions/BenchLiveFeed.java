package eu.runlater.executions;

import java.util.UUID;
import org.springframework.context.ApplicationContext;

/**
 * The benchmark's way in to the live feed: open a stream for an organization as {@code GET /live}
 * does, and run one pass of the feed (a fingerprint query per watched organization) on demand.
 *
 * <p>It sits in the server's package because the feed is package-private; on the class path the
 * bench's and the server's classes share one class loader, so they share the package.
 */
public final class BenchLiveFeed {
  private final LiveFeed feed;

  public BenchLiveFeed(ApplicationContext context) {
    this.feed = context.getBean(LiveFeed.class);
  }

  /** Watches the organization as an open dashboard would. */
  public void watch(UUID organizationId) {
    feed.subscribe(organizationId, (String) null);
  }

  /** One pass over the watched organizations; how many of them changed (their streams told). */
  public int pass() {
    return feed.runOnce();
  }
}
