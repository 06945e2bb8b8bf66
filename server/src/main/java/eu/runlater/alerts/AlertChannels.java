package eu.runlater.alerts;

import static eu.runlater.alerts.AlertChannelsQueries.*;

import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.platform.database.TransactionalConnection;
import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import eu.runlater.platform.web.PublicUrl;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The organization's channels: created and changed with their settings checked (a bad URL, a
 * private address, a malformed token is an {@code ApiProblem} 422 naming the field), secrets sealed
 * at rest and masked in every answer.
 */
@Service
class AlertChannels {
  static final int MAX_NAME = 100;
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * What a test message came to.
   *
   * @param status {@code delivered}, {@code failed} or {@code pending} (no answer yet within the
   *     wait)
   * @param answer the start of the target's answer (its response body, a mail relay's reply)
   */
  record TestResult(
      UUID notificationId, String status, Integer statusCode, String answer, String error) {}

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final ChannelSettings rules;
  private final InstantSource clock;
  private final ObjectProvider<AlertSubjects> subjects;
  private final ChannelSender sender;
  private final NotificationLog log;
  private final TransactionTemplate transactions;
  private final TransactionalConnection connection;
  private final PublicUrl publicUrl;

  AlertChannels(
      JdbcClient jdbc,
      SecretBox box,
      ChannelSettings rules,
      InstantSource clock,
      ObjectProvider<AlertSubjects> subjects,
      ChannelSender sender,
      NotificationLog log,
      TransactionTemplate transactions,
      TransactionalConnection connection,
      PublicUrl publicUrl) {
    this.jdbc = jdbc;
    this.box = box;
    this.rules = rules;
    this.clock = clock;
    this.subjects = subjects;
    this.sender = sender;
    this.log = log;
    this.transactions = transactions;
    this.connection = connection;
    this.publicUrl = publicUrl;
  }

  List<Channel> list(UUID organizationId) {
    return jdbc.sql(CHANNEL_LIST)
        .param("organization_id", organizationId)
        .query((rs, n) -> StoredChannel.read(rs, box).shown())
        .list();
  }

  Optional<Channel> find(UUID organizationId, UUID id) {
    return stored(organizationId, id, CHANNEL_GET).map(StoredChannel::shown);
  }

  private Optional<StoredChannel> stored(UUID organizationId, UUID id, String sql) {
    return jdbc.sql(sql)
        .param("organization_id", organizationId)
        .param("id", id)
        .query((rs, n) -> StoredChannel.read(rs, box))
        .optional();
  }

  @Transactional
  Channel create(UUID organizationId, ChannelInput input) {
    List<FieldError> errors = new ArrayList<>();
    String name = name(input.name(), errors);
    ChannelKind kind = kind(input.kind(), errors);
    ChannelSettings.Split split =
        kind == null
            ? null
            : rules.apply(kind, input.settings(), ChannelSettings.Split.empty(), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    Instant now = clock.instant();
    UUID id = Ids.v7(now);
    try {
      jdbc.sql(CHANNEL_INSERT)
          .param("id", id)
          .param("organization_id", organizationId)
          .param("name", name)
          .param("kind", kind.apiName())
          .param("settings", StoredChannel.plainJson(split))
          .param("sealed_settings", StoredChannel.sealedSecrets(split, box))
          .param("opt_in", Boolean.TRUE.equals(input.optIn()))
          .param("enabled", !Boolean.FALSE.equals(input.enabled()))
          .param("now", java.sql.Timestamp.from(now))
          .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(name);
    }
    return find(organizationId, id).orElseThrow();
  }

  @Transactional
  Channel update(UUID organizationId, UUID id, ChannelInput input) {
    StoredChannel current =
        stored(organizationId, id, CHANNEL_LOCK)
            .orElseThrow(() -> ApiProblem.notFound("alert channel", id));
    List<FieldError> errors = new ArrayList<>();
    String name = input.name() == null ? current.name() : name(input.name(), errors);
    if (input.kind() != null && !input.kind().equalsIgnoreCase(current.kind().apiName())) {
      errors.add(
          new FieldError(
              "kind",
              "is fixed once created (this is a "
                  + current.kind().apiName()
                  + " channel): create another channel instead"));
    }
    ChannelSettings.Split split =
        rules.apply(current.kind(), input.settings(), current.settings(), errors);
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    try {
      jdbc.sql(CHANNEL_UPDATE)
          .param("id", id)
          .param("organization_id", organizationId)
          .param("name", name)
          .param("settings", StoredChannel.plainJson(split))
          .param("sealed_settings", StoredChannel.sealedSecrets(split, box))
          .param("opt_in", input.optIn() == null ? current.optIn() : input.optIn())
          .param("enabled", input.enabled() == null ? current.enabled() : input.enabled())
          .param("now", java.sql.Timestamp.from(clock.instant()))
          .update();
    } catch (DuplicateKeyException e) {
      throw nameTaken(name);
    }
    return find(organizationId, id).orElseThrow();
  }

  /**
   * Deletes a channel. One that rules name is refused with a 409 naming the rules, unless {@code
   * detach}: then it is taken out of them first.
   */
  @Transactional
  void delete(UUID organizationId, UUID id, boolean detach) {
    stored(organizationId, id, CHANNEL_LOCK)
        .orElseThrow(() -> ApiProblem.notFound("alert channel", id));
    List<String> naming = rulesNaming(organizationId, id);
    if (!naming.isEmpty()) {
      if (!detach) {
        throw ApiProblem.conflict(
            "channel-in-use",
            "Rules send alerts to this channel: "
                + String.join(", ", naming)
                + ". Take it out of them first, or delete with ?detach=true to do both at once.");
      }
      jdbc.sql(RULES_DETACH_CHANNEL)
          .param("organization_id", organizationId)
          .param("id", id)
          .param("now", java.sql.Timestamp.from(clock.instant()))
          .update();
    }
    jdbc.sql(CHANNEL_DELETE).param("organization_id", organizationId).param("id", id).update();
  }

  /** The rules naming a channel, as people know them: "default", "job nightly-report". */
  List<String> rulesNaming(UUID organizationId, UUID channelId) {
    record Rule(String kind, UUID subjectId) {}
    List<Rule> rows =
        jdbc.sql(RULES_NAMING_CHANNEL)
            .param("organization_id", organizationId)
            .param("id", channelId)
            .query((rs, n) -> new Rule(rs.getString(1), rs.getObject(2, UUID.class)))
            .list();
    Map<String, Map<UUID, AlertSubjects.Subject>> names = new HashMap<>();
    for (AlertSubjects s : subjects) {
      Collection<UUID> ids =
          rows.stream().filter(r -> r.kind().equals(s.kind())).map(Rule::subjectId).toList();
      if (!ids.isEmpty()) {
        names.put(s.kind(), s.describe(organizationId, ids));
      }
    }
    return rows.stream()
        .map(
            r -> {
              if (r.kind().equals("organization")) {
                return "default";
              }
              AlertSubjects.Subject subject =
                  names.getOrDefault(r.kind(), Map.of()).get(r.subjectId());
              return r.kind() + " " + (subject == null ? r.subjectId() : subject.name());
            })
        .toList();
  }

  /** Sends a test message now and waits up to {@code wait} for its first attempt's answer. */
  TestResult sendTest(UUID organizationId, UUID id, Duration wait) {
    StoredChannel channel =
        stored(organizationId, id, CHANNEL_GET)
            .orElseThrow(() -> ApiProblem.notFound("alert channel", id));
    String organization =
        jdbc.sql(ORGANIZATION_NAME).param("id", organizationId).query(String.class).single();
    AlertMessage message = TestMessages.of(channel, organization, clock.instant(), publicUrl);
    UUID notificationId =
        transactions.execute(tx -> sender.enqueueChecked(connection.current(), id, message));
    // Wall time, not the clock: a test may hold the clock still while the engine answers.
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      List<NotificationLog.Attempt> attempts = log.attempts(organizationId, notificationId);
      if (!attempts.isEmpty()) {
        NotificationLog.Attempt first = attempts.getFirst();
        boolean ok = "success".equals(first.status());
        return new TestResult(
            notificationId,
            ok ? "delivered" : "failed",
            first.statusCode(),
            first.response(),
            first.error());
      }
      if (System.nanoTime() - deadline >= 0) {
        return new TestResult(notificationId, "pending", null, null, null);
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TestResult(notificationId, "pending", null, null, null);
      }
    }
  }

  private static String name(String given, List<FieldError> errors) {
    String name = given == null ? "" : given.strip();
    if (name.isEmpty()
        || name.length() > MAX_NAME
        || name.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError("name", "is 1 to " + MAX_NAME + " characters on one line"));
    }
    return name;
  }

  private static ChannelKind kind(String given, List<FieldError> errors) {
    for (ChannelKind k : ChannelKind.values()) {
      if (k.apiName().equals(given)) {
        return k;
      }
    }
    errors.add(
        new FieldError(
            "kind",
            "is one of "
                + String.join(
                    ", ",
                    java.util.Arrays.stream(ChannelKind.values())
                        .map(ChannelKind::apiName)
                        .toList())));
    return null;
  }

  private static ApiProblem nameTaken(String name) {
    return new ApiProblem(
        HttpStatus.CONFLICT,
        "name-taken",
        "Conflict",
        "Another channel of this organization is named '" + name + "': choose another name.",
        List.of(new FieldError("name", "is taken by another channel")));
  }
}
