package eu.runlater.platform.mail;

import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * {@code /dev/mailbox}: the mail this instance sent, when it has no {@code SMTP_URL}. With SMTP
 * configured the page does not exist (404). The mail holds sign-in and reset links for every
 * account, so the page is shown only to a signed-in superadmin, wherever they are: a client address
 * proves nothing (a reverse proxy on this machine makes every visitor local). Anyone else gets a
 * 403 that says where else the mail is (the server's log, at DEBUG).
 */
@Pages
class DevMailboxPages {
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  private final Mailer mailer;
  private final MailboxAccess access;

  DevMailboxPages(Mailer mailer, MailboxAccess access) {
    this.mailer = mailer;
    this.access = access;
  }

  @GetMapping("/dev/mailbox")
  String list(HttpServletRequest request, Model model) {
    model.addAttribute("messages", mailbox(request).latest(50));
    return "mail/mailbox";
  }

  @GetMapping("/dev/mailbox/{id}")
  String show(@PathVariable UUID id, HttpServletRequest request, Model model) {
    DevMailbox.Message message = mailbox(request).find(id).orElseThrow(PageException::notFound);
    model.addAttribute("message", message);
    model.addAttribute("links", links(message.body()));
    return "mail/message";
  }

  private DevMailbox mailbox(HttpServletRequest request) {
    if (!(mailer instanceof DevMailbox box)) {
      throw PageException.notFound();
    }
    // The database's word, not the session's role: a superadmin demoted since signing in is out.
    if (!access.allowed(request)) {
      throw new PageException(
          HttpStatus.FORBIDDEN,
          "The dev mailbox is shown only to the superadmin, signed in. The server's log names"
              + " each mail, and holds the whole mail only with DEBUG logging for"
              + " eu.runlater.platform.mail.DevMailbox (no SMTP_URL is set); set SMTP_URL to send"
              + " real mail.");
    }
    return box;
  }

  static List<String> links(String body) {
    Matcher m = LINK.matcher(body);
    return m.results().map(r -> r.group()).toList();
  }
}
