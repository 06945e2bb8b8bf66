package eu.runlater.accounts;

/**
 * Every password-hashing slot stayed busy ({@link BoundedPasswordEncoder}): the request is answered
 * 503 with {@code Retry-After} and changes nothing.
 */
class PasswordHashingBusyException extends RuntimeException {
  public static final int RETRY_AFTER_SECONDS = 2;
  public static final String MESSAGE =
      "Too many sign-ins are being checked right now. Try again in a few seconds.";

  PasswordHashingBusyException() {
    super(MESSAGE, null, false, false);
  }

  /** Whether {@code e} or one of its causes is this. */
  static boolean in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PasswordHashingBusyException) {
        return true;
      }
    }
    return false;
  }
}
