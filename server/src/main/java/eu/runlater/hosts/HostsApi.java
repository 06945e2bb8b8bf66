package eu.runlater.hosts;

import eu.runlater.engine.Hosts;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Target hosts the engine is holding back for the calling organization: throttled after a 429 or
 * 503 with Retry-After, or with an open circuit after consecutive signs that the host is down. The
 * state is the organization's own: another tenant's throttle or circuit for the same host is
 * neither shown nor applied. A target is a scheme and {@code host:port}. A held host can be probed
 * now (an open circuit's probe delivery goes at once) or released (circuit closed, throttle ended).
 */
@RestController
@Tag(name = "Hosts")
class HostsApi {
  private static final List<String> SCHEMES = List.of("https", "http");

  private final HostStates states;
  private final HostActions actions;

  HostsApi(HostStates states, HostActions actions) {
    this.states = states;
    this.actions = actions;
  }

  /**
   * One target's delivery state, for the calling organization.
   *
   * @param host {@code host:port}, the port made explicit
   * @param scheme {@code https} or {@code http}
   * @param circuit {@code closed}, {@code open} (no delivery starts until {@code reopen_at}), or
   *     {@code half_open} (the period ended; one probe delivery decides)
   * @param throttledUntil no delivery to the host starts before this instant, or null
   * @param lastError the last failure that counted towards the circuit, or null
   * @param waiting your deliveries to it that wait (held, or pushed back by a throttle)
   */
  record HostView(
      String host,
      String scheme,
      boolean throttled,
      Instant throttledUntil,
      String circuit,
      Instant openedAt,
      Instant reopenAt,
      int consecutiveFailures,
      String lastError,
      long waiting) {
    static HostView of(HostStates.HostState s) {
      return new HostView(
          s.host(),
          s.scheme(),
          s.throttled(),
          s.throttledUntil(),
          s.circuit(),
          s.openedAt(),
          s.reopenAt(),
          s.consecutiveFailures(),
          s.lastError(),
          s.waiting());
    }
  }

  record HostList(List<HostView> data) {}

  @GetMapping("/api/v1/hosts")
  @Operation(
      summary =
          "Hosts your deliveries target that are throttled or have an open circuit, for your"
              + " organization")
  HostList list(@AuthenticationPrincipal ApiPrincipal caller) {
    return new HostList(
        states.troubled(caller.organizationId()).stream().map(HostView::of).toList());
  }

  @GetMapping("/api/v1/hosts/{host}")
  @Operation(
      summary =
          "One host's delivery state (host:port) for your organization, if it is in trouble or"
              + " your waiting deliveries target it; scheme picks http or https when both apply")
  HostView get(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String host,
      @RequestParam(required = false) String scheme) {
    UUID org = caller.organizationId();
    List<String> origins = origins(host, scheme);
    for (String origin : origins) {
      var state = states.find(org, origin);
      if (state.isPresent() && state.get().held()) {
        return HostView.of(state.get());
      }
    }
    for (String origin : origins) {
      var state = states.find(org, origin);
      if (state.isPresent()) {
        return HostView.of(state.get());
      }
    }
    for (String origin : origins) {
      if (states.targeted(org, origin)) {
        return HostView.of(states.healthy(org, origin));
      }
    }
    throw ApiProblem.notFound("host", host.strip().toLowerCase(Locale.ROOT));
  }

  @PostMapping("/api/v1/hosts/{host}/probe")
  @Operation(
      summary =
          "Probe a host whose circuit is open now: its probe delivery goes at once (never before"
              + " its own due time) instead of when the open period ends; success closes the"
              + " circuit. 404 when the host is not held for you, 409 when it is only throttled")
  @ApiResponse(responseCode = "200", description = "The host's state after the call")
  HostView probe(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String host,
      @RequestParam(required = false) String scheme) {
    return act(caller.organizationId(), host, scheme, HostActions.Action.PROBE);
  }

  @PostMapping("/api/v1/hosts/{host}/release")
  @Operation(
      summary =
          "Release a held host: its circuit closes and any throttle ends; every held delivery"
              + " goes at its own due time with its attempts. 404 when the host is not held for"
              + " you")
  @ApiResponse(responseCode = "200", description = "The host's state after the call")
  HostView release(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable String host,
      @RequestParam(required = false) String scheme) {
    return act(caller.organizationId(), host, scheme, HostActions.Action.RELEASE);
  }

  private HostView act(UUID org, String host, String scheme, HostActions.Action action) {
    String key = host.strip().toLowerCase(Locale.ROOT);
    String target =
        origins(host, scheme).stream()
            .filter(o -> states.find(org, o).map(HostStates.HostState::held).orElse(false))
            .findFirst()
            .orElseThrow(() -> ApiProblem.notFound("held host", key));
    Hosts.Outcome outcome = actions.act(org, target, action);
    switch (outcome) {
      case NOT_HELD -> throw ApiProblem.notFound("held host", key);
      case NOT_OPEN ->
          throw ApiProblem.conflict(
              "host-not-open",
              key
                  + " is throttled, not down: its circuit is closed, so there is no probe. Release"
                  + " it to end the throttle.");
      case DONE -> {}
    }
    return HostView.of(states.find(org, target).orElseGet(() -> states.healthy(org, target)));
  }

  /** The origins a {@code host[:port]} and an optional scheme name, https first. */
  private static List<String> origins(String host, String scheme) {
    List<String> schemes = SCHEMES;
    if (scheme != null) {
      String s = scheme.strip().toLowerCase(Locale.ROOT);
      if (!SCHEMES.contains(s)) {
        throw ApiProblem.invalid("scheme", "must be https or http, or left out");
      }
      schemes = List.of(s);
    }
    String key = host.strip().toLowerCase(Locale.ROOT);
    boolean hasPort = key.matches(".*:[0-9]{1,5}") && !key.endsWith("]");
    return schemes.stream()
        .map(s -> s + "://" + key + (hasPort ? "" : s.equals("https") ? ":443" : ":80"))
        .toList();
  }
}
