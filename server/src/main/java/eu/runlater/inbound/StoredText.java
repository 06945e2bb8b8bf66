package eu.runlater.inbound;

/**
 * Text taken from a request, made fit for a {@code text} column: PostgreSQL's text refuses the NUL
 * character, which a JSON body may carry (escaped as U+0000) into an event id or an expression's
 * error, and one refused value would fail the whole request's write. A NUL is written as JSON
 * escapes it (a backslash, then u0000). For what is shown only: it can meet text that held those
 * six characters; what must compare exactly (dedup) keeps the bytes instead.
 */
final class StoredText {
  private StoredText() {}

  static String of(String text) {
    return text == null ? null : text.replace("\0", "\\u0000");
  }
}
