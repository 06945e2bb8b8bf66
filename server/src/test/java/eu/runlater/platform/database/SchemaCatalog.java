package eu.runlater.platform.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;

/**
 * A database's schema as sorted lines of text, read from the catalog (the embedded PostgreSQL ships
 * no pg_dump): relations, columns with types, defaults and identity, constraints, indexes,
 * triggers, functions and sequences of the public schema. Migration histories are left out, and so
 * are the partitions of {@code executions} (their dates follow the day the migration ran; the
 * partitioned table and its key are in).
 */
final class SchemaCatalog {
  private SchemaCatalog() {}

  private static final String DESCRIBE =
      """
      WITH rel AS (
          SELECT c.oid, c.relname, c.relkind, c.reloptions
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND NOT c.relispartition
            AND c.relname NOT LIKE '%schema_history%'
            AND NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                            WHERE i.indexrelid = c.oid AND t.relispartition))
      SELECT 'relation ' || relname || ' kind=' || relkind::text
             || coalesce(' options=' || array_to_string(reloptions, ','), '')
             || CASE WHEN relkind = 'p' THEN ' ' || pg_get_partkeydef(oid) ELSE '' END
      FROM rel
      UNION ALL
      SELECT 'column ' || r.relname || '.' || a.attnum || ' ' || a.attname || ' '
             || format_type(a.atttypid, a.atttypmod)
             || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
             || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
             || CASE WHEN a.attidentity::text <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
             || CASE WHEN a.attgenerated::text <> '' THEN ' generated' ELSE '' END
      FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p', 'v', 'm')
      UNION ALL
      SELECT 'constraint ' || r.relname || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
      FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid
      UNION ALL
      SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN rel r ON r.oid = i.indrelid
      UNION ALL
      SELECT 'trigger ' || pg_get_triggerdef(t.oid)
      FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
      UNION ALL
      SELECT 'function ' || pg_get_functiondef(p.oid)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'sequence ' || sequencename || ' ' || data_type || ' start=' || start_value
             || ' increment=' || increment_by || ' cache=' || cache_size || ' cycle=' || cycle
      FROM pg_sequences WHERE schemaname = 'public'
      ORDER BY 1
      """;

  static String describe(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(DESCRIBE)) {
      StringJoiner lines = new StringJoiner("\n", "", "\n");
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
      return lines.toString();
    }
  }
}
