package eu.runlater.platform.errors;

import java.io.IOException;

/** A request body went past its limit while being read. */
public class PayloadTooLargeException extends IOException {
  private final long limit;

  public PayloadTooLargeException(long limit) {
    super("request body is larger than " + limit + " bytes");
    this.limit = limit;
  }

  public long limit() {
    return limit;
  }
}
