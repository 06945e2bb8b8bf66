package eu.runlater.engine;

/**
 * Where the engine's migrations live and where their history is kept, for whatever runs them (the
 * server's migrations, the engine's tests, the benchmarks). The engine's schema knows no
 * organizations or tiers; it runs before any of the server's modules and reads none of their
 * tables.
 */
public final class EngineSchema {
  /** Flyway location of the engine's migrations, numbered on their own (V1, V2, …). */
  public static final String LOCATION = "classpath:db/engine";

  /** Flyway history table of the engine's migrations. */
  public static final String HISTORY_TABLE = "engine_schema_history";

  private EngineSchema() {}
}
