package eu.runlater.platform.mail;

import eu.runlater.platform.web.PageException;
import eu.runlater.platform.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
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
 * account, so the page is shown only to a browser on this machine (a loopback client address, after
 * the trusted proxies' {@code X-Forwarded-For}) and to a signed-in superadmin; anyone else gets a
 * 403 that says where else the mail is (the log).
 */
@Pages
class DevMailboxPages {
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  private final Mailer mailer;

  DevMailboxPages(Mailer mailer) {
    this.mailer = mailer;
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
    if (!local(request) && !request.isUserInRole("SUPERADMIN")) {
      throw new PageException(
          HttpStatus.FORBIDDEN,
          "The dev mailbox is shown only on this machine (open it at localhost) and to the"
              + " superadmin. The same mail is in the server's log; set SMTP_URL to send real"
              + " mail.");
    }
    return box;
  }

  private static boolean local(HttpServletRequest request) {
    try {
      return InetAddress.ofLiteral(request.getRemoteAddr()).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static List<String> links(String body) {
    Matcher m = LINK.matcher(body);
    return m.results().map(r -> r.group()).toList();
  }
}
