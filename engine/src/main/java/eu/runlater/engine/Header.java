package eu.runlater.engine;

import java.util.Objects;

/**
 * One HTTP header field as sent or received: the name keeps its spelling, values are not joined.
 *
 * <p>Deliberately unvalidated so it can carry stored and received headers as they are; {@link
 * HttpCall} validates the headers it is about to send.
 */
public record Header(String name, String value) {
  public Header {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
