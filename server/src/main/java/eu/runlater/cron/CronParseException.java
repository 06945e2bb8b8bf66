package eu.runlater.cron;

/** A cron expression that cannot be used; the message names the field and what is wrong. */
public final class CronParseException extends IllegalArgumentException {
  public CronParseException(String message) {
    super(message);
  }
}
