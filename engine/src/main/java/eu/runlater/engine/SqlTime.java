package eu.runlater.engine;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants in and out of JDBC. Bound as {@link OffsetDateTime} so the driver sends them typed as
 * {@code timestamptz} (an untyped {@code Timestamp} makes {@code :now - interval '1 minute'}
 * ambiguous to PostgreSQL).
 */
public final class SqlTime {
  private SqlTime() {}

  public static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
