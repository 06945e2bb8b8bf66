package eu.runlater.platform;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Instance configuration, bound from {@code runlater.*} (fed by the environment variables the
 * README lists).
 *
 * @param dataDir where the embedded database and the generated secret key live ({@code
 *     RUNLATER_DATA_DIR}, default {@code ./data})
 * @param databaseUrl an external PostgreSQL ({@code DATABASE_URL}); blank starts the embedded one
 * @param databasePoolSize connections this node keeps to the database ({@code
 *     RUNLATER_DB_POOL_SIZE}, default 20)
 * @param baseUrl the public URL of this instance ({@code RUNLATER_BASE_URL}); blank means {@code
 *     http://localhost:<port>}
 * @param secretKey the key that encrypts stored secrets ({@code RUNLATER_SECRET_KEY}); blank
 *     generates one into the data directory
 */
@ConfigurationProperties("runlater")
public record RunlaterProperties(
    Path dataDir, String databaseUrl, int databasePoolSize, String baseUrl, String secretKey) {

  public static final Path DEFAULT_DATA_DIR = Path.of("data");
  public static final int DEFAULT_POOL_SIZE = 20;

  public RunlaterProperties {
    dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
    databasePoolSize = databasePoolSize <= 0 ? DEFAULT_POOL_SIZE : databasePoolSize;
    if (databasePoolSize < 4) {
      throw new IllegalArgumentException(
          "RUNLATER_DB_POOL_SIZE must be at least 4 (the engine keeps a leader connection and"
              + " claims, completes and serves the API in parallel)");
    }
    if (baseUrl != null && !baseUrl.isBlank()) {
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException(
            "RUNLATER_BASE_URL must start with http:// or https://, got '" + baseUrl + "'");
      }
      baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
  }

  public boolean embeddedDatabase() {
    return databaseUrl == null || databaseUrl.isBlank();
  }
}
