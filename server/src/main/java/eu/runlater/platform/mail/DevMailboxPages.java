package eu.runlater.platform.mail;

import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * {@code /dev/mailbox}: the mail this instance sent, when it has no {@code SMTP_URL}. With SMTP
 * configured the page does not exist (404), so it never shows anyone else's mail.
 */
@Pages
class DevMailboxPages {
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  private final Mailer mailer;

  DevMailboxPages(Mailer mailer) {
    this.mailer = mailer;
  }

  @GetMapping("/dev/mailbox")
  String list(Model model) {
    model.addAttribute("messages", mailbox().latest(50));
    return "mail/mailbox";
  }

  @GetMapping("/dev/mailbox/{id}")
  String show(@PathVariable UUID id, Model model) {
    DevMailbox.Message message = mailbox().find(id).orElseThrow(PageException::notFound);
    model.addAttribute("message", message);
    model.addAttribute("links", links(message.body()));
    return "mail/message";
  }

  private DevMailbox mailbox() {
    if (mailer instanceof DevMailbox box) {
      return box;
    }
    throw PageException.notFound();
  }

  static List<String> links(String body) {
    Matcher m = LINK.matcher(body);
    return m.results().map(r -> r.group()).toList();
  }
}
