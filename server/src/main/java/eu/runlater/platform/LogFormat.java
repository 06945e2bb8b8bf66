package eu.runlater.platform;

/** Maps {@code LOG_FORMAT} to Spring Boot's structured console logging. */
public final class LogFormat {
  private LogFormat() {}

  /**
   * {@code json} switches the console to one JSON object per line (Logstash field names); any other
   * value, or none, keeps the human-readable format.
   */
  public static void apply(String logFormat) {
    String property = structuredFormat(logFormat);
    if (property != null) {
      System.setProperty("logging.structured.format.console", property);
    }
  }

  static String structuredFormat(String logFormat) {
    if (logFormat == null || logFormat.isBlank() || logFormat.equalsIgnoreCase("text")) {
      return null;
    }
    if (logFormat.equalsIgnoreCase("json")) {
      return "logstash";
    }
    throw new IllegalArgumentException(
        "LOG_FORMAT must be 'json' or 'text', got '" + logFormat + "'");
  }
}
