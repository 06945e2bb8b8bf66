package eu.runlater.organizations;

import eu.runlater.platform.mail.Mail;
import eu.runlater.platform.mail.Mailer;
import org.springframework.stereotype.Service;

/** The invitation mail. Its link works for {@link Invites#TTL}. */
@Service
class InviteMail {
  private final Mailer mailer;

  InviteMail(Mailer mailer) {
    this.mailer = mailer;
  }

  void invite(String to, String organization, String inviter, Role role, String link) {
    mailer.send(
        new Mail(
            to,
            "You are invited to join " + organization + " on Runlater",
            """
            %s invited you to join %s on Runlater as %s %s.

            Accept or decline the invitation:

            %s

            The link works for 7 days. To accept, sign in (or create an account) with this
            address. If you did not expect it, ignore this mail.
            """
                .formatted(
                    inviter == null ? "Someone" : inviter,
                    organization,
                    role == Role.ADMIN || role == Role.OWNER ? "an" : "a",
                    role.code(),
                    link)));
  }
}
