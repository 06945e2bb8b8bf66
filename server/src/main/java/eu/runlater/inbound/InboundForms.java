package eu.runlater.inbound;

import eu.runlater.platform.errors.ApiProblem;
import eu.runlater.platform.errors.FieldError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the inbound forms share: the posted fields as typed, a number field read or refused, and the
 * API's field errors said beside the form's fields, so a page and the API refuse the same things.
 */
final class InboundForms {
  private InboundForms() {}

  /** The posted {@code fields}, as typed ("" for one not posted). */
  static Map<String, String> values(HttpServletRequest request, List<String> fields) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String f : fields) {
      String value = request.getParameter(f);
      v.put(f, value == null ? "" : value);
    }
    return v;
  }

  /** A whole number, null when empty; one that is none is an error on {@code apiField}. */
  static Integer number(String text, String apiField, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      errors.add(new FieldError(apiField, "must be a whole number"));
      return null;
    }
  }

  /**
   * The problem's errors by form field ({@code byApiField}; unknown ones go beside {@code name}),
   * each said as "Label message." ({@code said} may replace a field's words: null to keep them).
   */
  static Map<String, String> errors(
      ApiProblem problem,
      Map<String, String> byApiField,
      Map<String, String> labels,
      Map<String, String> said) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (problem.errors().isEmpty()) {
      errors.put("name", problem.getMessage());
    }
    for (FieldError e : problem.errors()) {
      String field = byApiField.getOrDefault(e.field(), "name");
      String message =
          said.containsKey(e.field())
              ? said.get(e.field())
              : labels.get(field) + " " + e.message() + ".";
      errors.merge(field, message, (a, b) -> a + " " + b);
    }
    return errors;
  }
}
