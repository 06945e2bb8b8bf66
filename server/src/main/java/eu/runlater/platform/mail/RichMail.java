package eu.runlater.platform.mail;

import java.util.List;

/**
 * A message with a plain-text and an HTML part (multipart/alternative) to one or more recipients:
 * alert mail, sent at once by {@link Mailer#sendNow}.
 */
public record RichMail(List<String> to, String subject, String text, String html) {
  public RichMail {
    to = List.copyOf(to);
    if (to.isEmpty()) {
      throw new IllegalArgumentException("a mail needs at least one recipient");
    }
  }
}
