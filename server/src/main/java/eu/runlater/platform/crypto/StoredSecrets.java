package eu.runlater.platform.crypto;

import eu.runlater.engine.SecretBox;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every column that holds {@link SecretBox} ciphertext, and the re-encryption of all of it under a
 * new key, in place. Runs at start, before anything reads a secret: batches of {@value #BATCH}
 * rows, each batch in its own transaction with its rows locked, so a crash leaves some rows under
 * the new key and the rest under the old one, and the next start (still given the old key) finishes
 * the job. A value that opens under neither key stops the start with the row named.
 *
 * <p>A new sealed column must be listed in {@link #COLUMNS}, or a key rotation leaves it
 * unreadable.
 */
final class StoredSecrets {
  static final int BATCH = 500;

  /**
   * One sealed column.
   *
   * @param keys the table's key columns, for keyset paging and the update
   * @param sealedWhen SQL condition under which a non-null value is sealed ({@code true}: always)
   */
  record Column(String table, List<String> keys, String column, String sealedWhen) {}

  static final List<Column> COLUMNS =
      List.of(
          new Column("organizations", List.of("id"), "signing_secret", "true"),
          new Column("organizations", List.of("id"), "previous_signing_secret", "true"),
          new Column("jobs", List.of("id"), "sealed_headers", "true"),
          new Column("jobs", List.of("id"), "body", "body_sealed"),
          new Column("messages", List.of("id"), "sealed_headers", "true"),
          new Column("messages", List.of("id"), "body", "body_sealed"),
          new Column("topic_endpoints", List.of("topic_id", "position"), "sealed_headers", "true"),
          new Column("tasks", List.of("id"), "sealed_headers", "true"),
          new Column("tasks", List.of("id"), "body", "body_sealed"),
          new Column("tasks", List.of("id"), "sealed_url", "true"),
          // Execution ids are unique on their own (UUIDv7); the partition key is not needed.
          new Column("executions", List.of("id"), "request_sealed_headers", "true"),
          new Column("executions", List.of("id"), "request_body", "request_body_sealed"),
          new Column("executions", List.of("id"), "request_sealed_url", "true"),
          new Column("alert_channels", List.of("id"), "sealed_settings", "true"),
          new Column("inbound_sources", List.of("id"), "sealed_secret", "true"));

  private StoredSecrets() {}

  /** A value that opens under no key given. */
  static final class Unreadable extends IllegalStateException {
    Unreadable(String message) {
      super(message);
    }
  }

  /**
   * Re-seals with {@code current} every value that opens only under one of {@code previous}; values
   * already under {@code current} are left alone. Returns how many were re-sealed.
   *
   * @throws Unreadable naming the first value that opens under none of them
   */
  static long reencrypt(
      JdbcClient jdbc, TransactionTemplate tx, SecretBox current, List<SecretBox> previous) {
    return reencrypt(jdbc, tx, current, previous, BATCH);
  }

  static long reencrypt(
      JdbcClient jdbc,
      TransactionTemplate tx,
      SecretBox current,
      List<SecretBox> previous,
      int batch) {
    long total = 0;
    for (Column c : COLUMNS) {
      total += reencrypt(jdbc, tx, c, current, previous, batch);
    }
    return total;
  }

  private static long reencrypt(
      JdbcClient jdbc,
      TransactionTemplate tx,
      Column c,
      SecretBox current,
      List<SecretBox> previous,
      int batch) {
    String keys = String.join(", ", c.keys());
    List<String> params = new ArrayList<>();
    for (int i = 0; i < c.keys().size(); i++) {
      params.add(":k" + i);
    }
    String after = "(" + keys + ") > (" + String.join(", ", params) + ")";
    String select =
        "SELECT %s, %s AS sealed FROM %s WHERE %s IS NOT NULL AND (%s) %s ORDER BY %s LIMIT %d FOR UPDATE"
            .formatted(keys, c.column(), c.table(), c.column(), c.sealedWhen(), "%s", keys, batch);
    StringBuilder match = new StringBuilder();
    for (int i = 0; i < c.keys().size(); i++) {
      match.append(i == 0 ? "" : " AND ").append(c.keys().get(i)).append(" = :k").append(i);
    }
    String update = "UPDATE %s SET %s = :sealed WHERE %s".formatted(c.table(), c.column(), match);
    long[] count = {0};
    Object[] last = null;
    while (true) {
      Object[] from = last;
      Object[] next =
          tx.execute(
              status -> {
                var query = jdbc.sql(select.formatted(from == null ? "" : "AND " + after));
                if (from != null) {
                  for (int i = 0; i < from.length; i++) {
                    query = query.param("k" + i, from[i]);
                  }
                }
                List<Object[]> rows =
                    query
                        .query(
                            (rs, n) -> {
                              Object[] row = new Object[c.keys().size() + 1];
                              for (int i = 0; i < c.keys().size(); i++) {
                                row[i] = rs.getObject(i + 1);
                              }
                              row[row.length - 1] = rs.getBytes("sealed");
                              return row;
                            })
                        .list();
                for (Object[] row : rows) {
                  byte[] sealed = (byte[]) row[row.length - 1];
                  if (current.tryOpen(sealed) != null) {
                    continue;
                  }
                  byte[] plain = null;
                  for (SecretBox old : previous) {
                    plain = old.tryOpen(sealed);
                    if (plain != null) {
                      break;
                    }
                  }
                  if (plain == null) {
                    throw new Unreadable(
                        "A stored secret ("
                            + c.table()
                            + "."
                            + c.column()
                            + " of the row "
                            + keys
                            + " = "
                            + java.util.Arrays.toString(
                                java.util.Arrays.copyOf(row, row.length - 1))
                            + ") opens with neither RUNLATER_SECRET_KEY nor"
                            + " RUNLATER_SECRET_KEY_PREVIOUS. Set RUNLATER_SECRET_KEY_PREVIOUS to the"
                            + " key the database's secrets were sealed with, and start again.");
                  }
                  var u = jdbc.sql(update).param("sealed", current.seal(plain));
                  for (int i = 0; i < row.length - 1; i++) {
                    u = u.param("k" + i, row[i]);
                  }
                  u.update();
                  count[0]++;
                }
                if (rows.size() < batch) {
                  return null;
                }
                Object[] lastRow = rows.getLast();
                return java.util.Arrays.copyOf(lastRow, lastRow.length - 1);
              });
      if (next == null) {
        return count[0];
      }
      last = next;
    }
  }
}
