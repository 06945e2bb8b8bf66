package eu.runlater.platform.mail;

/**
 * Sends account mail: over SMTP when {@code SMTP_URL} is set, otherwise to the log and the dev
 * mailbox page ({@code /dev/mailbox}), so a new instance can sign in with no mail server.
 */
public interface Mailer {
  void send(Mail mail);
}
