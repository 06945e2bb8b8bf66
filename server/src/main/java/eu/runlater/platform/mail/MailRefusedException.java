package eu.runlater.platform.mail;

/**
 * The relay refused a message for good (an SMTP 5xx reply: no such mailbox, message rejected):
 * sending it again would get the same answer.
 */
public class MailRefusedException extends Exception {
  private final int code;

  public MailRefusedException(int code, String reply) {
    super(reply);
    this.code = code;
  }

  /** The SMTP reply code (550, 554, …), or 0 when the relay gave none. */
  public int code() {
    return code;
  }
}
