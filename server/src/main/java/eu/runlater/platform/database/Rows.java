package eu.runlater.platform.database;

import java.lang.reflect.Constructor;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.BeanUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Rows as records, by column name: {@code .query(Rows.of(Run.class))} where JdbcClient's {@code
 * .query(Run.class)} would do the same. A record component {@code organizationId} takes the column
 * {@code organization_id} (or {@code organizationid}), converted as JdbcClient converts.
 *
 * <p>JdbcClient's own mapper ({@code SimplePropertyRowMapper}) finds each component's column by
 * asking the driver for the component's name first and catching the driver's exception when the
 * column is named with underscores: an exception with its stack trace per such component and row.
 * In the workflow benchmark's half load that was 3 % of the JVM's CPU (the run lock and the
 * completer's step batch). This one reads the result set's column names once and maps each row by
 * index.
 */
public final class Rows {
  private static final ConversionService CONVERSIONS = DefaultConversionService.getSharedInstance();

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return new Shape(type);
        }
      };

  private Rows() {}

  /** A mapper of rows to {@code type}, a record; one per query (it keeps the column indexes). */
  public static <T> RowMapper<T> of(Class<T> type) {
    return new Mapper<>(type, SHAPES.get(type));
  }

  /** A record's canonical constructor, its components' names (folded) and types. */
  private static final class Shape {
    final Constructor<?> constructor;
    final String[] names;
    final String[] folded;
    final TypeDescriptor[] types;

    Shape(Class<?> type) {
      if (!type.isRecord()) {
        throw new IllegalArgumentException(type + " is not a record");
      }
      constructor = BeanUtils.getResolvableConstructor(type);
      int n = constructor.getParameterCount();
      names = n == 0 ? new String[0] : BeanUtils.getParameterNames(constructor);
      folded = new String[n];
      types = new TypeDescriptor[n];
      for (int i = 0; i < n; i++) {
        folded[i] = fold(names[i]);
        types[i] = new TypeDescriptor(new MethodParameter(constructor, i));
      }
    }
  }

  private static String fold(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static final class Mapper<T> implements RowMapper<T> {
    private final Class<T> type;
    private final Shape shape;
    private ResultSet seen;
    private int[] indexes;

    Mapper(Class<T> type, Shape shape) {
      this.type = type;
      this.shape = shape;
    }

    @Override
    public T mapRow(ResultSet rs, int rowNum) throws SQLException {
      if (rs != seen) {
        indexes = indexes(rs);
        seen = rs;
      }
      Object[] args = new Object[indexes.length];
      for (int i = 0; i < args.length; i++) {
        TypeDescriptor td = shape.types[i];
        Object value = JdbcUtils.getResultSetValue(rs, indexes[i], td.getType());
        args[i] = CONVERSIONS.convert(value, td);
      }
      return type.cast(BeanUtils.instantiateClass(shape.constructor, args));
    }

    private int[] indexes(ResultSet rs) throws SQLException {
      ResultSetMetaData meta = rs.getMetaData();
      Map<String, Integer> columns = new HashMap<>();
      for (int c = meta.getColumnCount(); c >= 1; c--) {
        columns.put(fold(JdbcUtils.lookupColumnName(meta, c)), c); // the first of a name wins
      }
      int[] found = new int[shape.names.length];
      for (int i = 0; i < found.length; i++) {
        Integer c = columns.get(shape.folded[i]);
        if (c == null) {
          throw new SQLException(
              "No column for "
                  + type.getSimpleName()
                  + "."
                  + shape.names[i]
                  + " among "
                  + columns.keySet());
        }
        found[i] = c;
      }
      return found;
    }
  }
}
