package eu.runlater.cron;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Descriptions, written from the parsed fields: each field form, and any expression the parser
 * takes.
 */
class CronWordsTest {
  /** Each field form and its words; {@link CronWordsReadBackTest} reads them back too. */
  static final String EXAMPLES =
      """
          # minutes and hours
          * * * * *            | Every minute
          */5 * * * *          | Every 5 minutes
          */30 * * * *         | Every 30 minutes
          5/10 * * * *         | Every 10 minutes from minute 5
          0-30/10 * * * *      | Every 10 minutes from minute 0 to 30
          1-5 * * * *          | Every minute from minute 1 to 5
          0 * * * *            | Every hour
          30 * * * *           | Every hour at minute 30
          15,45 * * * *        | Every hour at minutes 15 and 45
          0-10,30 * * * *      | Every hour at minutes 0 to 10 and 30
          0 9 * * *            | At 09:00
          30 14 * * *          | At 14:30
          0 9,17 * * *         | At 09:00 and 17:00
          0,30 9,17 * * *      | At 09:00, 09:30, 17:00 and 17:30
          0 */2 * * *          | Every 2 hours
          30 */6 * * *         | Every 6 hours at minute 30
          0 */12 * * *         | At 00:00 and 12:00
          0 9-17 * * *         | Every hour from 09:00 to 17:00
          23 0-20/2 * * *      | Every 2 hours from 00:23 to 20:23
          0 1,4,5,9,14,19 * * *| At 01:00, 04:00, 05:00, 09:00, 14:00 and 19:00
          * 9 * * *            | Every minute between 09:00 and 09:59
          */10 9-17 * * *      | Every 10 minutes between 09:00 and 17:59
          15,45 9-17 * * *     | Every hour at minutes 15 and 45 between 09:00 and 17:59
          */15 */3 * * *       | Every 15 minutes in every 3rd hour
          */15 1-22/3 * * *    | Every 15 minutes in every 3rd hour from 01:00 to 22:59
          */5 1,4,5,9 * * *    | Every 5 minutes during hours 1, 4, 5 and 9
          # seconds
          * * * * * *          | Every second
          */10 * * * * *       | Every 10 seconds
          0,30 * * * * *       | Every 30 seconds
          30 * * * * *         | Every minute at second 30
          0,15 * * * * *       | Every minute at seconds 0 and 15
          0 */5 * * * *        | Every 5 minutes
          30 */5 * * * *       | Every 5 minutes at second 30
          30 0 9 * * *         | At 09:00:30
          30 15 * * * *        | Every hour at minute 15, second 30
          */10 0 * * * *       | Every 10 seconds during minute 0 of every hour
          */10 0-4 9 * * *     | Every 10 seconds during minutes 0 to 4 between 09:00 and 09:59
          */10 * 9-17 * * *    | Every 10 seconds between 09:00 and 17:59
          # day of month
          0 9 1 * *            | At 09:00 on the 1st of the month
          0 0 1,15 * *         | At 00:00 on the 1st and 15th of the month
          0 0 2,3,22,23 * *    | At 00:00 on the 2nd, 3rd, 22nd and 23rd of the month
          0 4 8-14 * *         | At 04:00 on the 8th to 14th of the month
          0 0 1-5,20 * *       | At 00:00 on the 1st to 5th and 20th of the month
          0 0 */2 * *          | At 00:00 on odd-numbered days of the month
          0 0 2-31/2 * *       | At 00:00 on even-numbered days of the month
          0 0 */3 * *          | At 00:00 on every 3rd day of the month
          0 0 5-25/5 * *       | At 00:00 on every 5th day from the 5th to the 25th of the month
          0 0 11,12,13,31 * *  | At 00:00 on the 11th to 13th and 31st of the month
          # month
          0 0 1 1 *            | At 00:00 on the 1st of January
          0 0 29 2 *           | At 00:00 on the 29th of February
          0 12 1 */3 *         | At 12:00 on the 1st of January, April, July and October
          0 0 * 2 *            | At 00:00 every day in February
          0 12 * JAN,JUL *     | At 12:00 every day in January and July
          0 0 * 3-10 *         | At 00:00 every day from March to October
          # day of week
          0 9 * * MON-FRI      | At 09:00 every day from Monday to Friday
          0 9 * * 1            | At 09:00 on Monday
          0 9 * * MON,WED,FRI  | At 09:00 on Monday, Wednesday and Friday
          0 0 * * SAT,SUN      | At 00:00 on Saturday and Sunday
          0 0 * * 5-7          | At 00:00 every day from Friday to Sunday
          0 9 * JAN MON        | At 09:00 on Monday in January
          */10 9-17 * * 1-5    | Every 10 minutes between 09:00 and 17:59, every day from Monday to Friday
          # the form's quick picks read as people say them
          0 9 * * 0            | At 09:00 on Sunday
          0 9 * * TUE,THU      | At 09:00 on Tuesday and Thursday
          0 * * * 1            | Every hour on Monday
          */5 * * * 6          | Every 5 minutes on Saturday
          0 9 15 * *           | At 09:00 on the 15th of the month
          0 9 * * 1-3,5        | At 09:00 on Monday to Wednesday and Friday
          # issue 21's examples: the words name the runs
          0 12 * * 1-5/2       | At 12:00 on Monday, Wednesday and Friday
          5/15 * * * *         | Every 15 minutes from minute 5
          # both day fields: either matches (Vixie), unless one starts with *
          0 0 1 * 1            | At 00:00 on the 1st of the month and on Monday
          0 0 1 6 1            | At 00:00 on the 1st of June and on Monday in June
          0 0 1-31 * 1         | At 00:00
          0 0 1 1 0-6          | At 00:00 every day in January
          0 0 */2 * 1          | At 00:00 on odd-numbered days of the month, only if it is also a Monday
          0 0 13 * */2         | At 00:00 on the 13th of the month, only if it is also a Tuesday, Thursday, Saturday or Sunday
          0 0 13 * FRI         | At 00:00 on the 13th of the month and on Friday
          # calendar days
          0 0 L * *            | At 00:00 on the last day of the month
          0 0 1,L * *          | At 00:00 on the 1st and the last day of the month
          0 0 L-3 * *          | At 00:00 on the 4th-last day of the month
          0 0 L-1 2 *          | At 00:00 on the 2nd-last day of February
          0 9 15W * *          | At 09:00 on the weekday nearest the 15th of the month
          0 9 LW * *           | At 09:00 on the last weekday of the month
          0 9 * * 1#1          | At 09:00 on the first Monday of the month
          0 9 * * MON#2,FRI#4  | At 09:00 on the second Monday and the fourth Friday of the month
          0 9 * * 5L           | At 09:00 on the last Friday of the month
          0 9 * 1 5L           | At 09:00 on the last Friday of the month in January
          0 9 * * 1,5L         | At 09:00 on Monday and on the last Friday of the month
          0 9 */2 * 1#1        | At 09:00 on odd-numbered days of the month, only if it is also the first Monday of the month
          0 9 L * 5            | At 09:00 on the last day of the month and on Friday
          0 0 * * FRI-SUN      | At 00:00 every day from Friday to Sunday
          0 0 * * SAT-MON      | At 00:00 on Monday, Saturday and Sunday
          0 0 1 NOV-FEB *      | At 00:00 on the 1st of January, February, November and December
          # macros
          @hourly              | Every hour
          @daily               | At 00:00
          @midnight            | At 00:00
          @weekly              | At 00:00 on Sunday
          @monthly             | At 00:00 on the 1st of the month
          @yearly              | At 00:00 on the 1st of January
          @annually            | At 00:00 on the 1st of January
          """;

  private static String words(String expression) {
    return CronSchedule.parse(expression).describe();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = EXAMPLES)
  void each_field_form_has_words(String expression, String words) {
    assertThat(words(expression)).isEqualTo(words);
  }

  @Test
  void spellings_of_one_schedule_read_alike() {
    List<List<String>> same =
        List.of(
            List.of("*/5 * * * *", "0-59/5 * * * *", "0/5 * * * *", "0 */5 * * * *"),
            List.of("0,5,10,15,20,25,30,35,40,45,50,55 * * * *", "*/5 * ? * *", "*/5 * * * ?"),
            List.of("0 9 * * MON-FRI", "0 9 * * 1-5", "0 9 * * mon-fri", "0 9 ? * 1-5"),
            List.of("0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "@weekly", "0 0 0 * * 0"),
            List.of("0 0 1 1 *", "0 0 1 JAN *", "@yearly", "0 0 1 1 ?"),
            List.of("0 0 * * *", "@daily", "0 0 * * 0-6", "0 0 1-31 * *", "0 0 * * 0-7"));
    for (List<String> spellings : same) {
      assertThat(spellings.stream().map(CronWordsTest::words).distinct())
          .as("%s", spellings)
          .hasSize(1);
    }
  }

  /** Any expression the parser accepts has words of its own (not its text, not an error). */
  @Test
  void every_expression_the_parser_accepts_has_words() {
    Random random = new Random(13);
    int described = 0;
    for (int i = 0; i < 5_000; i++) {
      String expression =
          (random.nextBoolean() ? field(random, 0, 59) + " " : "")
              + String.join(
                  " ",
                  field(random, 0, 59),
                  field(random, 0, 23),
                  field(random, 1, 31),
                  field(random, 1, 12),
                  field(random, 0, 7));
      CronSchedule cron;
      try {
        cron = CronSchedule.parse(expression);
      } catch (CronParseException neverFires) {
        continue; // e.g. the 31st of February
      }
      String words = cron.describe();
      assertThat(words).as(expression).isNotBlank().doesNotContain("  ");
      assertThat(Character.isUpperCase(words.charAt(0))).as(expression).isTrue();
      described++;
    }
    assertThat(described).isGreaterThan(4_000);
  }

  private static String field(Random r, int lo, int hi) {
    int a = lo + r.nextInt(hi - lo + 1);
    int b = a + r.nextInt(hi - a + 1);
    int step = 2 + r.nextInt(Math.max(1, (hi - lo) / 2));
    List<String> forms =
        List.of(
            "*",
            "?",
            Integer.toString(a),
            a + "-" + b,
            "*/" + step,
            a + "-" + b + "/" + step,
            a + "/" + step,
            a + "," + b,
            a + "-" + b + "," + (lo + r.nextInt(hi - lo + 1)));
    return forms.get(r.nextInt(forms.size()));
  }
}
