package eu.runlater.platform.api;

import eu.runlater.platform.errors.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * One page of a list, newest first, and the cursor of the next page ({@code null} on the last).
 * Cursors are opaque to clients: pass {@code next_cursor} back as {@code cursor}.
 */
public record Page<T>(List<T> data, String nextCursor) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  /**
   * Builds a page from up to {@code limit + 1} rows fetched past the cursor: the extra row only
   * tells that another page exists.
   */
  public static <R, T> Page<T> of(
      List<R> rows, int limit, Function<R, UUID> idOf, Function<R, T> view) {
    boolean more = rows.size() > limit;
    List<R> shown = more ? rows.subList(0, limit) : rows;
    String next = more ? encode(idOf.apply(shown.getLast())) : null;
    return new Page<>(shown.stream().map(view).toList(), next);
  }

  public static int limit(Integer requested) {
    if (requested == null) {
      return DEFAULT_LIMIT;
    }
    if (requested < 1 || requested > MAX_LIMIT) {
      throw ApiProblem.invalid("limit", "must be 1 to " + MAX_LIMIT);
    }
    return requested;
  }

  public static UUID cursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    try {
      return UUID.fromString(
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid(
          "cursor", "is not a cursor this API gave out; pass next_cursor from the previous page");
    }
  }

  static String encode(UUID id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(id.toString().getBytes(StandardCharsets.UTF_8));
  }
}
