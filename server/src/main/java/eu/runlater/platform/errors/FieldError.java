package eu.runlater.platform.errors;

/**
 * One thing wrong with one input field.
 *
 * @param field the field's path in the request, in the request's own spelling ({@code url}, {@code
 *     schedule.at}, {@code headers.Authorization})
 * @param message what is wrong and how to fix it
 */
public record FieldError(String field, String message) {}
