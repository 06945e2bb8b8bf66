package eu.runlater.engine.db;

import eu.runlater.engine.SqlTime;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Plain JDBC with named parameters ({@code :name}), for the engine's hand-written SQL. Keeps the
 * engine free of Spring while sparing it hand-counted parameter indexes.
 *
 * <p>Values bind by type: {@link Instant} as {@code timestamptz}, {@link SqlArray} as a PostgreSQL
 * array, everything else through {@code setObject}.
 */
public final class Db {
  private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

  private final DataSource dataSource;

  public Db(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. A
   * failed commit throws (nothing may count as recorded then), and the error that ended the
   * transaction is the one thrown: a rollback or a reset that fails after it, on a connection the
   * database already dropped, is only added to it as suppressed.
   */
  public <T> T inTransaction(SqlWork<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      T result;
      try {
        result = work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        try {
          c.setAutoCommit(autoCommit);
        } catch (SQLException reset) {
          e.addSuppressed(reset);
        }
        throw e;
      }
      try {
        c.setAutoCommit(autoCommit);
      } catch (SQLException reset) {
        // Committed: the work counts. The pool resets (or drops) the connection anyway.
      }
      return result;
    }
  }

  /** Runs {@code work} on a pooled connection in auto-commit mode. */
  public <T> T withConnection(SqlWork<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    }
  }

  public static int update(Connection c, String sql, Params params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  public static <T> List<T> query(Connection c, String sql, Params params, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<T> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(mapper.map(rs));
      }
      return rows;
    }
  }

  /**
   * Runs several statements, each returning rows, in one round trip: {@code sql} holds them
   * separated by {@code ;} and binds its {@code :names} from {@code params}; {@code readers} read
   * their results in order. Each statement runs with its own snapshot, once the one before it is
   * done (a later one sees the rows an earlier one locked as they are once locked); an error in one
   * stops those after it.
   */
  public static void queries(Connection c, String sql, Params params, RowsReader... readers)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      int read = 0;
      // Statements that return no rows (a SET) are passed over.
      for (boolean rows = ps.execute(); rows || ps.getUpdateCount() != -1; ) {
        if (rows) {
          if (read == readers.length) {
            throw new SQLException("more results than readers in " + sql);
          }
          try (ResultSet rs = ps.getResultSet()) {
            readers[read++].read(rs);
          }
        }
        rows = ps.getMoreResults();
      }
      if (read < readers.length) {
        throw new SQLException(read + " results for " + readers.length + " readers in " + sql);
      }
    }
  }

  /**
   * {@code sql} (one or more statements) run with generic plans, for {@link #queries}: the planning
   * setting is set for it and reset after it in the same round trip, so nothing else in the
   * transaction is affected. For statements whose best plan does not depend on their parameters'
   * values (rows found by primary key from arrays of ids): left to PostgreSQL, the plan cache kept
   * planning some of them anew on most calls in some runs and not in others (the workflow bench's
   * diagnosis at 66 runs/s: the completer's record 2,577 plans in 4,632 calls, 1.7 s of planning in
   * 30 s; in another run of the same build 4 plans).
   */
  public static String generic(String sql) {
    return "SET LOCAL plan_cache_mode = force_generic_plan;\n"
        + sql.strip()
        + ";\nSET LOCAL plan_cache_mode TO DEFAULT";
  }

  /** Runs one statement once per parameter set, as a JDBC batch. */
  public static int[] batch(Connection c, String sql, List<Params> rows) throws SQLException {
    if (rows.isEmpty()) {
      return new int[0];
    }
    Parsed parsed = parse(sql);
    try (PreparedStatement ps = c.prepareStatement(parsed.sql)) {
      for (Params row : rows) {
        bind(c, ps, parsed, row);
        ps.addBatch();
      }
      return ps.executeBatch();
    }
  }

  /**
   * Runs a statement once for many rows, each {@code :name} bound to the array of that column's
   * values over {@code rows} (for {@code INSERT … SELECT * FROM unnest(:a::t[], …)}): one statement
   * and one plan whatever the number of rows. {@code types} gives each column's element type.
   */
  public static int columns(Connection c, String sql, Map<String, String> types, List<Params> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    return update(c, sql, arrays(types, rows));
  }

  /**
   * The rows as one typed array per column of {@code types}, for a statement that unnests them
   * beside other parameters (each row must give every column; none may be empty for {@link
   * #columns}, any number here).
   */
  public static Params arrays(Map<String, String> types, List<Params> rows) {
    Params arrays = Params.of();
    for (Map.Entry<String, String> column : types.entrySet()) {
      String name = column.getKey();
      // A typed array where the driver needs one to encode the elements: byte[] values are not
      // Objects it would print.
      Object[] values =
          "bytea".equals(column.getValue()) ? new byte[rows.size()][] : new Object[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Params row = rows.get(i);
        if (!row.values.containsKey(name)) {
          throw new IllegalArgumentException("no value for :" + name + " in row " + i);
        }
        Object value = row.values.get(name);
        values[i] = value instanceof Instant instant ? SqlTime.ts(instant) : value;
      }
      arrays.put(name, new SqlArray(column.getValue(), values));
    }
    return arrays;
  }

  private static PreparedStatement prepare(Connection c, String sql, Params params)
      throws SQLException {
    Parsed parsed = parse(sql);
    PreparedStatement ps = c.prepareStatement(parsed.sql);
    try {
      bind(c, ps, parsed, params);
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private static void bind(Connection c, PreparedStatement ps, Parsed parsed, Params params)
      throws SQLException {
    for (int i = 0; i < parsed.names.size(); i++) {
      String name = parsed.names.get(i);
      if (!params.values.containsKey(name)) {
        throw new IllegalArgumentException("no value for :" + name + " in " + parsed.sql);
      }
      Object value = params.values.get(name);
      int index = i + 1;
      switch (value) {
        case null -> ps.setObject(index, null);
        case Instant instant -> ps.setObject(index, SqlTime.ts(instant));
        case SqlArray array -> {
          Array sqlArray = c.createArrayOf(array.elementType(), array.values());
          ps.setArray(index, sqlArray);
        }
        default -> ps.setObject(index, value);
      }
    }
  }

  static Parsed parse(String sql) {
    return PARSED.computeIfAbsent(sql, Db::doParse);
  }

  /** Replaces {@code :name} with {@code ?}; leaves {@code ::casts} and quoted text alone. */
  private static Parsed doParse(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    List<String> names = new ArrayList<>();
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      char ch = sql.charAt(i);
      if (ch == '\'' || ch == '"') {
        int end = sql.indexOf(ch, i + 1);
        end = end < 0 ? n - 1 : end;
        out.append(sql, i, end + 1);
        i = end;
      } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n - 1 : end;
        out.append(sql, i, end + 1);
        i = end;
      } else if (ch == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        out.append("::");
        i++;
      } else if (ch == ':' && i + 1 < n && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
        int j = i + 1;
        while (j < n && Character.isJavaIdentifierPart(sql.charAt(j))) {
          j++;
        }
        names.add(sql.substring(i + 1, j));
        out.append('?');
        i = j - 1;
      } else {
        out.append(ch);
      }
    }
    return new Parsed(out.toString(), List.copyOf(names));
  }

  record Parsed(String sql, List<String> names) {}

  /** Work done with a connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Reads one statement's rows. */
  @FunctionalInterface
  public interface RowsReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Maps the current row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** A PostgreSQL array parameter, e.g. {@code SqlArray.of("uuid", ids)}. */
  public record SqlArray(String elementType, Object[] values) {
    public static SqlArray of(String elementType, List<?> values) {
      return new SqlArray(elementType, values.toArray());
    }
  }

  /** Named parameter values. */
  public static final class Params {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public static Params of() {
      return new Params();
    }

    public static Params of(String name, Object value) {
      return new Params().put(name, value);
    }

    public Params put(String name, Object value) {
      values.put(name, value);
      return this;
    }

    /** Adds every value of {@code other}. */
    public Params putAll(Params other) {
      values.putAll(other.values);
      return this;
    }
  }
}
