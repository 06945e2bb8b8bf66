package eu.runlater.jobs;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import eu.runlater.cron.CronSchedule;
import java.util.Locale;
import java.util.Map;

/**
 * Cron expressions in words ("every 5 minutes", "at 09:00 every day between Monday and Friday").
 */
final class CronDescriptions {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronDefinition WITH_SECONDS =
      CronDefinitionBuilder.defineCron()
          .withSeconds()
          .and()
          .withMinutes()
          .and()
          .withHours()
          .and()
          .withDayOfMonth()
          .and()
          .withMonth()
          .and()
          .withDayOfWeek()
          .withValidRange(0, 7)
          .withMondayDoWValue(1)
          .withIntMapping(7, 0)
          .and()
          .instance();
  private static final CronParser SECONDS = new CronParser(WITH_SECONDS);
  private static final CronDescriptor DESCRIPTOR = CronDescriptor.instance(Locale.UK);
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "at midnight on January 1st",
          "@annually", "at midnight on January 1st",
          "@monthly", "at midnight on the first day of every month",
          "@weekly", "at midnight every Sunday",
          "@daily", "at midnight every day",
          "@midnight", "at midnight every day",
          "@hourly", "every hour, on the hour");

  private CronDescriptions() {}

  static String describe(CronSchedule schedule) {
    String expression = schedule.expression();
    String macro = MACROS.get(expression.toLowerCase(Locale.ROOT));
    if (macro != null) {
      return macro;
    }
    try {
      String text =
          DESCRIPTOR.describe(
              (schedule.hasSeconds() ? SECONDS : UNIX).parse(expression.replace('?', '*')));
      return text.isEmpty()
          ? expression
          : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    } catch (RuntimeException notDescribable) {
      // cron-utils parses a little differently from us; the expression speaks for itself.
      return expression;
    }
  }
}
