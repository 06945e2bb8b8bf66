package eu.runlater.status;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * The public status pages: {@code /status/<slug>} (HTML with no script), {@code .json}, {@code
 * /feed.atom}, {@code /feed.rss}, the email subscription's forms and links; and {@code /status},
 * the instance's own. Every read is served from {@link PublicCache} (no database per request), with
 * an ETag and Last-Modified so a client that has it gets a 304. On a page's custom host the same
 * handlers answer at {@code /} ({@link CustomHostFilter} forwards here and says which host).
 */
@Controller
@Tag(name = "Status pages (public)")
@SecurityRequirements
class PublicStatusPages {
  private static final MediaType HTML =
      new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8);
  private static final MediaType ATOM =
      MediaType.parseMediaType("application/atom+xml;charset=UTF-8");
  private static final MediaType RSS =
      MediaType.parseMediaType("application/rss+xml;charset=UTF-8");
  static final String INSTANCE_TITLE = "Runlater";

  private final PublicCache cache;
  private final StatusSnapshots snapshots;
  private final PublicRender render;
  private final Subscribers subscribers;
  private final PublicStatusLimits limits;

  PublicStatusPages(
      PublicCache cache,
      StatusSnapshots snapshots,
      PublicRender render,
      Subscribers subscribers,
      PublicStatusLimits limits) {
    this.cache = cache;
    this.snapshots = snapshots;
    this.render = render;
    this.subscribers = subscribers;
    this.limits = limits;
  }

  // ---- the instance's own page

  @Operation(
      summary =
          "The instance's own status page (HTML, no script): API, scheduler, delivery, database.")
  @GetMapping("/status")
  ResponseEntity<byte[]> instance(ServletWebRequest request) {
    return serve(request, instanceEntry(), "html", HTML, s -> render.html(s, "/status"));
  }

  @Operation(
      summary =
          "The instance's own status as JSON: overall state, components, incidents with updates.")
  @GetMapping("/status/instance.json")
  ResponseEntity<byte[]> instanceJson(ServletWebRequest request) {
    return serve(
        request,
        instanceEntry(),
        "json",
        MediaType.APPLICATION_JSON,
        s -> render.json(s, render.absolute("/status", null)));
  }

  @Operation(summary = "The instance's incidents and their updates as an Atom feed.")
  @GetMapping("/status/feed.atom")
  ResponseEntity<byte[]> instanceAtom(ServletWebRequest request) {
    return serve(
        request,
        instanceEntry(),
        "atom",
        ATOM,
        s -> render.atom(s, render.absolute("/status", null)));
  }

  @Operation(summary = "The instance's incidents and their updates as an RSS feed.")
  @GetMapping("/status/feed.rss")
  ResponseEntity<byte[]> instanceRss(ServletWebRequest request) {
    return serve(
        request, instanceEntry(), "rss", RSS, s -> render.rss(s, render.absolute("/status", null)));
  }

  private PublicCache.Entry instanceEntry() {
    return cache.get(
        PublicCache.INSTANCE_KEY, () -> Optional.of(snapshots.instance(INSTANCE_TITLE)));
  }

  // ---- organizations' pages

  /** {@code /status/<slug>} and {@code /status/<slug>.json}. */
  @Operation(
      summary =
          "A status page: /status/{slug} is HTML (no script), /status/{slug}.json the same as JSON (overall state, components with 90-day uptime, incidents, maintenance). Cached per node; ETag and Last-Modified answer 304. 404 for an unknown slug.")
  @GetMapping("/status/{name}")
  ResponseEntity<byte[]> page(@PathVariable String name, ServletWebRequest request) {
    String host = CustomHostFilter.host(request.getRequest());
    if (name.endsWith(".json")) {
      String slug = name.substring(0, name.length() - ".json".length());
      Page p = page(slug, host);
      return serve(
          request, p.entry, "json", MediaType.APPLICATION_JSON, s -> render.json(s, p.url()));
    }
    Page p = page(name, host);
    return serve(request, p.entry, "html", HTML, s -> render.html(s, p.base));
  }

  @Operation(summary = "A status page's incidents and updates as an Atom feed.")
  @GetMapping("/status/{slug}/feed.atom")
  ResponseEntity<byte[]> atom(@PathVariable String slug, ServletWebRequest request) {
    Page p = page(slug, CustomHostFilter.host(request.getRequest()));
    return serve(request, p.entry, "atom", ATOM, s -> render.atom(s, p.url()));
  }

  @Operation(summary = "A status page's incidents and updates as an RSS feed.")
  @GetMapping("/status/{slug}/feed.rss")
  ResponseEntity<byte[]> rss(@PathVariable String slug, ServletWebRequest request) {
    Page p = page(slug, CustomHostFilter.host(request.getRequest()));
    return serve(request, p.entry, "rss", RSS, s -> render.rss(s, p.url()));
  }

  /** A page's cache entry and where its links point (its own host, or {@code /status/<slug>}). */
  private record Page(PublicCache.Entry entry, String base, String absolute) {
    String url() {
      return absolute;
    }
  }

  private Page page(String slug, String host) {
    if (host != null) {
      return new Page(
          cache.get("host:" + host, () -> snapshots.byHost(host)), "", render.absolute("", host));
    }
    String base = "/status/" + slug;
    return new Page(
        cache.get("slug:" + slug, () -> snapshots.bySlug(slug)), base, render.absolute(base, null));
  }

  private ResponseEntity<byte[]> serve(
      ServletWebRequest request,
      PublicCache.Entry entry,
      String format,
      MediaType type,
      Function<StatusSnapshot, String> rendering) {
    if (entry.snapshot == null) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .contentType(HTML)
          .cacheControl(CacheControl.maxAge(cache.ttl()).cachePublic())
          .body(NOT_FOUND);
    }
    PublicCache.Body body = entry.body(format, rendering);
    if (request.checkNotModified(body.etag(), entry.snapshot.lastChange().toEpochMilli())) {
      return null; // 304, headers set by checkNotModified
    }
    String accept = request.getHeader("Accept-Encoding");
    boolean gzip = accept != null && accept.contains("gzip");
    ResponseEntity.BodyBuilder ok =
        ResponseEntity.ok()
            .contentType(type)
            .eTag(body.etag())
            .lastModified(entry.snapshot.lastChange())
            .varyBy("Accept-Encoding")
            .cacheControl(CacheControl.maxAge(cache.ttl()).cachePublic());
    if (gzip) {
      return ok.header("Content-Encoding", "gzip").body(body.gzipped());
    }
    return ok.body(body.bytes());
  }

  private static final byte[] NOT_FOUND =
      """
      <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>No such status page</title><link rel="stylesheet" href="/css/status.css"></head>
      <body><main class="status-page"><h1>No such status page</h1>
      <p>There is no status page at this address.</p></main></body></html>
      """
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  // ---- subscriptions (forms post without CSRF tokens: the public chain has no session)

  @Operation(
      summary =
          "Subscribe an email address (form field email) to a page's incident mail; a mail with a confirm link follows (double opt-in). 422 for a bad address, 429 when asked too often.")
  @PostMapping("/status/{slug}/subscriptions")
  String subscribe(
      @PathVariable String slug,
      @RequestParam(required = false) String email,
      HttpServletRequest request,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    Page p = page(slug, CustomHostFilter.host(request));
    StatusSnapshot s = found(p);
    model.addAttribute("base", p.base);
    model.addAttribute("title", s.title());
    Optional<String> address = Subscribers.normalize(email);
    if (address.isEmpty()) {
      model.addAttribute("heading", "That is not an email address");
      model.addAttribute(
          "message",
          "Go back and enter the address to send incident mail to, like you@example.com.");
      response.setStatus(422);
      return "status/public-message";
    }
    if (!limits.subscribe(s.page().id(), address.get())) {
      response.setStatus(429);
      response.setHeader("Retry-After", "60");
      model.addAttribute("heading", "Too many requests");
      model.addAttribute(
          "message",
          "This address or page asked for too many confirmation mails. Try again later.");
      return "status/public-message";
    }
    subscribers.subscribe(s.page().id(), s.page().slug(), s.title(), address.get());
    model.addAttribute("heading", "Check your mail");
    model.addAttribute(
        "message",
        "We sent a link to "
            + address.get()
            + ". Open it to confirm the subscription; nothing is sent until you do.");
    return "status/public-message";
  }

  /** The link in the mail shows a button: a mail scanner that follows links confirms nothing. */
  @Operation(
      summary =
          "The confirm link's page: a button that confirms (a GET changes nothing, so mail scanners cannot confirm).")
  @GetMapping("/status/{slug}/subscriptions/confirm")
  String confirmForm(
      @PathVariable String slug,
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      Model model) {
    return linkForm(slug, token, request, model, "confirm");
  }

  @Operation(summary = "Confirms a subscription (form field token from the mailed link).")
  @PostMapping("/status/{slug}/subscriptions/confirm")
  String confirm(
      @PathVariable String slug,
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      Model model) {
    Page p = page(slug, CustomHostFilter.host(request));
    model.addAttribute("base", p.base);
    Optional<Subscribers.Subscription> done = subscribers.confirm(token);
    model.addAttribute("title", done.map(Subscribers.Subscription::title).orElse("Status"));
    if (done.isEmpty()) {
      return expired(model);
    }
    model.addAttribute("heading", "Subscribed");
    model.addAttribute(
        "message",
        done.get().email()
            + " will get mail about incidents and maintenance of "
            + done.get().title()
            + ". Every mail has a link to unsubscribe.");
    return "status/public-message";
  }

  @Operation(summary = "The unsubscribe link's page: a button that unsubscribes.")
  @GetMapping("/status/{slug}/subscriptions/unsubscribe")
  String unsubscribeForm(
      @PathVariable String slug,
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      Model model) {
    return linkForm(slug, token, request, model, "unsubscribe");
  }

  @Operation(summary = "Unsubscribes (form field token from any mail).")
  @PostMapping("/status/{slug}/subscriptions/unsubscribe")
  String unsubscribe(
      @PathVariable String slug,
      @RequestParam(required = false) String token,
      HttpServletRequest request,
      Model model) {
    Page p = page(slug, CustomHostFilter.host(request));
    model.addAttribute("base", p.base);
    Optional<Subscribers.Subscription> sub = subscribers.find(token);
    model.addAttribute("title", sub.map(Subscribers.Subscription::title).orElse("Status"));
    if (sub.isEmpty() || !subscribers.unsubscribe(token)) {
      model.addAttribute("heading", "Unsubscribed");
      model.addAttribute("message", "This link's subscription is gone; no more mail will come.");
      return "status/public-message";
    }
    model.addAttribute("heading", "Unsubscribed");
    model.addAttribute(
        "message", sub.get().email() + " will get no more mail from " + sub.get().title() + ".");
    return "status/public-message";
  }

  private String linkForm(
      String slug, String token, HttpServletRequest request, Model model, String action) {
    Page p = page(slug, CustomHostFilter.host(request));
    model.addAttribute("base", p.base);
    Optional<Subscribers.Subscription> sub = subscribers.find(token);
    model.addAttribute("title", sub.map(Subscribers.Subscription::title).orElse("Status"));
    if (sub.isEmpty()) {
      return "unsubscribe".equals(action) ? gone(model) : expired(model);
    }
    model.addAttribute("action", p.base + "/subscriptions/" + action);
    model.addAttribute("token", token);
    model.addAttribute("email", sub.get().email());
    if ("confirm".equals(action)) {
      model.addAttribute("heading", "Confirm your subscription");
      model.addAttribute(
          "message",
          "Send mail about incidents of " + sub.get().title() + " to " + sub.get().email() + "?");
      model.addAttribute("button", "Confirm subscription");
    } else {
      model.addAttribute("heading", "Unsubscribe");
      model.addAttribute(
          "message", "Stop mail from " + sub.get().title() + " to " + sub.get().email() + "?");
      model.addAttribute("button", "Unsubscribe");
    }
    return "status/public-message";
  }

  private static String expired(Model model) {
    model.addAttribute("heading", "This link does not work");
    model.addAttribute(
        "message",
        "It was replaced by a newer one, or the subscription was removed. Subscribe again from the"
            + " status page.");
    return "status/public-message";
  }

  private static String gone(Model model) {
    model.addAttribute("heading", "Unsubscribed");
    model.addAttribute("message", "This link's subscription is gone; no more mail will come.");
    return "status/public-message";
  }

  private static StatusSnapshot found(Page p) {
    if (p.entry.snapshot == null) {
      throw new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND);
    }
    return p.entry.snapshot;
  }
}
