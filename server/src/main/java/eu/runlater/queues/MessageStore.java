package eu.runlater.queues;

import static eu.runlater.queues.MessageDedupQueries.*;
import static eu.runlater.queues.MessagesQueries.MESSAGE_INSERT;
import static eu.runlater.queues.QueuesQueries.QUEUES_BY_NAMES;
import static eu.runlater.queues.QueuesQueries.QUEUES_CREATE_DEFAULTS;

import eu.runlater.engine.Header;
import eu.runlater.engine.HeaderCodec;
import eu.runlater.engine.Ids;
import eu.runlater.engine.SecretBox;
import eu.runlater.engine.SqlTime;
import eu.runlater.engine.TaskRequest;
import eu.runlater.organizations.Caps;
import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.platform.database.NodeCopies;
import eu.runlater.platform.requests.RequestRules;
import eu.runlater.platform.requests.SealedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stores checked messages, one or a thousand, in the caller's transaction with a fixed number of
 * statements: one to find the queues, one to create the missing ones, one to claim every dedup id,
 * one to find the holders of those already taken, one batched insert (rewritten by the driver into
 * multi-row INSERTs), and one release per queue after commit.
 */
@Component
class MessageStore {
  private final JdbcClient jdbc;
  private final NamedParameterJdbcOperations batch;
  private final SecretBox secrets;
  private final Queues queues;
  private final Caps caps;
  private final NodeCopies<QueueName, Queue> copies;

  MessageStore(
      JdbcClient jdbc,
      NamedParameterJdbcOperations batch,
      SecretBox secrets,
      Queues queues,
      Caps caps,
      ChangeFeed changes) {
    this.jdbc = jdbc;
    this.batch = batch;
    this.secrets = secrets;
    this.queues = queues;
    this.caps = caps;
    this.copies = new NodeCopies<>(changes, Queues.CHANGES, COPIES_LIMIT);
  }

  /** More queues than this in one node's copies and they start over. */
  static final int COPIES_LIMIT = 10_000;

  private record QueueName(UUID organizationId, String name) {}

  /**
   * As {@link #find}, for a push's check (single or batch): one named queue comes from this node's
   * copy while no change to a queue was announced since it was read (queues V9's triggers, {@link
   * ChangeFeed}), so a single push does not read its queue every time.
   */
  Map<String, Queue> findChecked(UUID organizationId, Set<String> names) {
    if (names.size() != 1) {
      return find(organizationId, names);
    }
    String name = names.iterator().next();
    Queue queue =
        copies.get(
            new QueueName(organizationId, name), () -> find(organizationId, names).get(name));
    return queue == null ? Map.of() : Map.of(name, queue);
  }

  /** The named queues that exist, by name. */
  Map<String, Queue> find(UUID organizationId, Set<String> names) {
    return jdbc
        .sql(QUEUES_BY_NAMES)
        .param("organization_id", organizationId)
        .param("names", names.toArray(String[]::new))
        .query((rs, n) -> Queue.map(rs))
        .list()
        .stream()
        .collect(Collectors.toMap(Queue::name, Function.identity()));
  }

  /** The named queues, the missing ones created with the defaults. */
  Map<String, Queue> findOrCreate(UUID organizationId, Set<String> names, Instant now) {
    Map<String, Queue> found = find(organizationId, names);
    List<String> missing = names.stream().filter(n -> !found.containsKey(n)).sorted().toList();
    if (missing.isEmpty()) {
      return found;
    }
    jdbc.sql(QUEUES_CREATE_DEFAULTS)
        .param("organization_id", organizationId)
        .param("ids", missing.stream().map(n -> Ids.v7(now)).toArray(UUID[]::new))
        .param("names", missing.toArray(String[]::new))
        .param("parallelism", Queue.DEFAULT_PARALLELISM)
        .param("retries", Queue.DEFAULT_RETRIES)
        .param("timeout_ms", Queue.DEFAULT_TIMEOUT_MS)
        .param("now", SqlTime.ts(now))
        .update();
    return find(organizationId, names);
  }

  /** One checked message bound for a queue. */
  record Item(Queue queue, MessageRules.Draft draft) {}

  /**
   * Stores the messages in order and answers for each in the same order. A message whose dedup key
   * is held (by an earlier message, or by one before it in the same call) is not stored; its answer
   * names the holder.
   */
  List<Messages.Pushed> store(UUID organizationId, List<Item> items, Instant now) {
    int n = items.size();
    // Ids in push order: FIFO within an ordering key follows id order, and v7 ids minted in the
    // same millisecond are random among themselves.
    List<UUID> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(Ids.v7(now));
    }
    ids.sort(Comparator.naturalOrder());

    String[] keys = new String[n];
    Map<DedupKey, Integer> firstWithKey = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      keys[i] = dedupKey(items.get(i).draft());
      if (keys[i] != null) {
        firstWithKey.putIfAbsent(new DedupKey(items.get(i).queue().id(), keys[i]), i);
      }
    }
    Map<DedupKey, UUID> holders = claim(firstWithKey, ids, now);

    Messages.Pushed[] answers = new Messages.Pushed[n];
    List<MapSqlParameterSource> rows = new ArrayList<>(n);
    Map<UUID, Instant> releaseAt = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Item item = items.get(i);
      Queue queue = item.queue();
      if (keys[i] != null) {
        DedupKey key = new DedupKey(queue.id(), keys[i]);
        UUID holder = holders.get(key);
        if (holder != null || firstWithKey.get(key) != i) {
          UUID id = holder != null ? holder : ids.get(firstWithKey.get(key));
          answers[i] = new Messages.Pushed(id, queue.name(), true, null);
          continue;
        }
      }
      MessageRules.Draft draft = item.draft();
      rows.add(row(organizationId, ids.get(i), queue, draft, keys[i], now));
      releaseAt.merge(queue.id(), draft.notBefore(), (a, b) -> a.isBefore(b) ? a : b);
      answers[i] = new Messages.Pushed(ids.get(i), queue.name(), false, draft.notBefore());
    }
    if (!rows.isEmpty()) {
      // One read of the organization's counters (V18) per push, not a count of its messages.
      caps.checkRoom(
          organizationId, rows.size(), rows.stream().mapToLong(MessageStore::bytes).sum());
      batch.batchUpdate(MESSAGE_INSERT, rows.toArray(MapSqlParameterSource[]::new));
    }
    releaseAt.forEach(queues::releaseAfterCommit);
    return List.of(answers);
  }

  private record DedupKey(UUID queueId, String dedupId) {}

  /**
   * Claims each key for the message proposed for it; returns the keys already held, with their
   * holder. Keys go in (queue, id) order so that concurrent claims lock rows in the same order.
   */
  private Map<DedupKey, UUID> claim(
      Map<DedupKey, Integer> firstWithKey, List<UUID> ids, Instant now) {
    if (firstWithKey.isEmpty()) {
      return Map.of();
    }
    List<DedupKey> keys =
        firstWithKey.keySet().stream()
            .sorted(Comparator.comparing(DedupKey::queueId).thenComparing(DedupKey::dedupId))
            .toList();
    UUID[] queueIds = keys.stream().map(DedupKey::queueId).toArray(UUID[]::new);
    String[] dedupIds = keys.stream().map(DedupKey::dedupId).toArray(String[]::new);
    Set<UUID> claimed =
        new HashSet<>(
            jdbc.sql(DEDUP_CLAIM_MANY)
                .param("queue_ids", queueIds)
                .param("dedup_ids", dedupIds)
                .param(
                    "message_ids",
                    keys.stream().map(k -> ids.get(firstWithKey.get(k))).toArray(UUID[]::new))
                .param("expires_at", SqlTime.ts(now.plus(Messages.DEDUP_WINDOW)))
                .param("now", SqlTime.ts(now))
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list());
    if (claimed.size() == keys.size()) {
      return Map.of();
    }
    Map<DedupKey, UUID> held = new HashMap<>();
    jdbc.sql(DEDUP_HOLDERS)
        .param("queue_ids", queueIds)
        .param("dedup_ids", dedupIds)
        .query(
            rs -> {
              UUID holder = rs.getObject("message_id", UUID.class);
              if (!claimed.contains(holder)) {
                held.put(
                    new DedupKey(rs.getObject("queue_id", UUID.class), rs.getString("dedup_id")),
                    holder);
              }
            });
    return held;
  }

  private static String dedupKey(MessageRules.Draft draft) {
    if (draft.dedupId() != null) {
      return draft.dedupId();
    }
    return draft.contentBasedDedup() ? contentKey(draft.request()) : null;
  }

  private MapSqlParameterSource row(
      UUID organizationId,
      UUID id,
      Queue queue,
      MessageRules.Draft draft,
      String dedupKey,
      Instant now) {
    SealedRequest sealed = SealedRequest.of(secrets, draft.request());
    TaskRequest r = sealed.request();
    return new MapSqlParameterSource()
        .addValue("id", id)
        .addValue("organization_id", organizationId)
        .addValue("queue_id", queue.id())
        .addValue("url", r.url())
        .addValue("method", r.method())
        .addValue("headers", HeaderCodec.toJson(r.headers()))
        .addValue("sealed_headers", r.sealedHeaders(), Types.BINARY)
        .addValue("secret_header_names", sealed.secretHeaderNames().toArray(String[]::new))
        .addValue("body", r.body(), Types.BINARY)
        .addValue("body_sealed", r.bodySealed())
        .addValue("timeout_ms", r.timeoutMs())
        .addValue("retries", draft.retries() == null ? queue.retries() : draft.retries())
        .addValue("not_before", SqlTime.ts(draft.notBefore()))
        .addValue("ordering_key", draft.orderingKey(), Types.VARCHAR)
        .addValue("dedup_id", dedupKey, Types.VARCHAR)
        .addValue("callback_url", draft.callbackUrl(), Types.VARCHAR)
        .addValue("failure_callback_url", draft.failureCallbackUrl(), Types.VARCHAR)
        .addValue("now", SqlTime.ts(now));
  }

  /**
   * The bytes a row adds to the stored-bytes cap, as the V18 trigger counts them (the trigger takes
   * the stored size of the headers' jsonb, close to their text's length).
   */
  private static long bytes(MapSqlParameterSource row) {
    return ((String) row.getValue("url")).getBytes(StandardCharsets.UTF_8).length
        + ((String) row.getValue("headers")).length()
        + length(row.getValue("sealed_headers"))
        + length(row.getValue("body"));
  }

  private static long length(Object bytes) {
    return bytes instanceof byte[] b ? b.length : 0;
  }

  /** SHA-256 over what is sent: method, URL, headers and body. */
  static String contentKey(RequestRules.Draft request) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((request.method() + "\n" + request.url() + "\n").getBytes(StandardCharsets.UTF_8));
      for (Header h : request.headers()) {
        sha.update((h.name() + ":" + h.value() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (request.body() != null) {
        sha.update(request.body());
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
