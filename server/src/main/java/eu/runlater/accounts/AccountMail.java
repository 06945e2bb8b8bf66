package eu.runlater.accounts;

import eu.runlater.platform.mail.Mail;
import eu.runlater.platform.mail.Mailer;
import org.springframework.stereotype.Service;

/** The mail of signing up and in. Every link in it is one-use and short-lived. */
@Service
class AccountMail {
  private final Mailer mailer;

  AccountMail(Mailer mailer) {
    this.mailer = mailer;
  }

  void signInLink(String to, String link) {
    mailer.send(
        new Mail(
            to,
            "Your Runlater sign-in link",
            """
            Sign in to Runlater:

            %s

            The link works once, for 15 minutes. If you did not ask for it, ignore this mail:
            nobody can sign in without opening it.
            """
                .formatted(link)));
  }

  void welcome(String to, String link) {
    welcome(to, link, null);
  }

  /**
   * The welcome mail of a sign-up; one that came from an invitation also carries the invitation's
   * link, so that whoever confirms on another device (where the sign-up's browser session that
   * would lead back to it is not) still finds the way to accept it.
   */
  void welcome(String to, String link, String invitationLink) {
    String invitation =
        invitationLink == null
            ? ""
            : """

            You signed up from an invitation. Once signed in, accept it here:

            %s
            """
                .formatted(invitationLink);
    mailer.send(
        new Mail(
            to,
            "Confirm your email for Runlater",
            """
            Welcome to Runlater. Confirm your address and sign in:

            %s
            %s
            The link works once, for 15 minutes; you can ask for a new one on the sign-in page.
            If you did not sign up, ignore this mail: the address stays unconfirmed.
            """
                .formatted(link, invitation)));
  }

  void alreadyRegistered(String to, String link) {
    mailer.send(
        new Mail(
            to,
            "You already have a Runlater account",
            """
            Someone (probably you) tried to sign up with this address, which already has an
            account. A password given on that sign-up was not saved. To sign in, use this link
            (once, within 15 minutes); "Forgot your password?" on the sign-in page sets one:

            %s

            If it was not you, ignore this mail.
            """
                .formatted(link)));
  }

  void passwordReset(String to, String link) {
    mailer.send(
        new Mail(
            to,
            "Reset your Runlater password",
            """
            Choose a new password:

            %s

            The link works once, for one hour. Setting a password signs you out everywhere. If
            you did not ask for this, ignore this mail: your password stays as it is.
            """
                .formatted(link)));
  }
}
