package eu.runlater.platform.mail;

/**
 * Sends account mail: over SMTP when {@code SMTP_URL} is set, otherwise to the log and the dev
 * mailbox page ({@code /dev/mailbox}), so a new instance can sign in with no mail server.
 */
public interface Mailer {
  void send(Mail mail);

  /**
   * Sends a message now, on the caller's thread, and returns the relay's answer ({@code "stored in
   * the dev mailbox"} without SMTP).
   *
   * @throws java.io.IOException the relay could not be reached or failed for now (worth retrying)
   * @throws MailRefusedException the relay refused the message for good (SMTP 5xx)
   */
  String sendNow(RichMail mail) throws java.io.IOException, MailRefusedException;
}
