package eu.runlater.alerts;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alert channels: where alerts go. Reads need any key; changes need a key that may write (the key's
 * scope is checked before this runs, as for every endpoint).
 */
@RestController
@RequestMapping("/api/v1/alert-channels")
@Tag(name = "Alert channels")
class ChannelsApi {
  static final Duration TEST_WAIT = Duration.ofSeconds(10);
  private final AlertChannels channels;

  ChannelsApi(AlertChannels channels) {
    this.channels = channels;
  }

  /** The list of channels (an organization has few: no pagination needed). */
  record Channels(List<Channel> data) {}

  @GetMapping
  @Operation(summary = "List the organization's alert channels, by name; secrets masked")
  Channels list(@AuthenticationPrincipal ApiPrincipal caller) {
    return new Channels(channels.list(caller.organizationId()));
  }

  @PostMapping
  @Operation(
      summary = "Create an alert channel",
      description =
          "kind and its settings: email {roles: [owner|admin|member], addresses: [..]} (at least"
              + " one recipient); slack, discord, teams {webhook_url}; telegram {bot_token,"
              + " chat_id}; ntfy {topic, server_url?, access_token?, priority? 1-5}; pagerduty"
              + " {routing_key (32 characters), severity? critical|error|warning|info}; pushover"
              + " {app_token, user_key (30 characters each), priority? -2..1}; webhook {url,"
              + " headers? {name: value}}. URLs must be https and public (a private address only"
              + " where RUNLATER_ALLOW_PRIVATE_TARGETS allows it). Secrets (webhook URLs, tokens,"
              + " keys, the topic, secret-looking headers) are encrypted at rest and masked in"
              + " every answer. A bad setting is a 422 naming settings.<name>; a name in use is a"
              + " 409. Honours Idempotency-Key.")
  ResponseEntity<Channel> create(
      @AuthenticationPrincipal ApiPrincipal caller, @RequestBody ChannelInput input) {
    Channel channel = channels.create(caller.organizationId(), required(input));
    return ResponseEntity.created(URI.create("/api/v1/alert-channels/" + channel.id()))
        .body(channel);
  }

  @GetMapping("/{id}")
  @Operation(summary = "An alert channel; secrets masked")
  Channel get(@AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    return channels
        .find(caller.organizationId(), id)
        .orElseThrow(() -> ApiProblem.notFound("alert channel", id));
  }

  @PatchMapping("/{id}")
  @Operation(
      summary = "Change an alert channel",
      description =
          "Give the fields to change; settings are merged one by one (null removes an optional"
              + " one). A secret left out, or given back masked as shown, keeps the stored value."
              + " The kind cannot change.")
  Channel patch(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestBody ChannelInput input) {
    return channels.update(caller.organizationId(), id, required(input));
  }

  @DeleteMapping("/{id}")
  @Operation(
      summary = "Delete an alert channel",
      description =
          "A channel that rules name is refused (409, naming the rules) unless detach=true, which"
              + " takes it out of those rules in the same transaction. The notification log keeps"
              + " its messages.")
  ResponseEntity<Void> delete(
      @AuthenticationPrincipal ApiPrincipal caller,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "false") boolean detach) {
    channels.delete(caller.organizationId(), id, detach);
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/{id}/test")
  @Operation(
      summary = "Send a test message and show the target's answer",
      description =
          "Sends a test alert now (one attempt, no retries) and waits up to 10 s for it: 200 with"
              + " status delivered or failed, the target's status_code and the start of its"
              + " answer (a relay's reply for email); 202 with status pending when no answer came"
              + " in time (the notification log shows it later).")
  ResponseEntity<AlertChannels.TestResult> test(
      @AuthenticationPrincipal ApiPrincipal caller, @PathVariable UUID id) {
    AlertChannels.TestResult result = channels.sendTest(caller.organizationId(), id, TEST_WAIT);
    return ResponseEntity.status(
            "pending".equals(result.status()) ? HttpStatus.ACCEPTED : HttpStatus.OK)
        .body(result);
  }

  private static ChannelInput required(ChannelInput input) {
    if (input == null) {
      throw new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "malformed-request",
          "Malformed request",
          "The body is a JSON object: {\"name\", \"kind\", \"settings\", \"opt_in\", \"enabled\"}.");
    }
    return input;
  }
}
