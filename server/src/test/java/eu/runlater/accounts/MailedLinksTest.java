package eu.runlater.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.organizations.Role;
import eu.runlater.support.Browser;
import eu.runlater.support.Mailbox;
import eu.runlater.support.ServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpCookie;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Mailed links point at this instance whatever Host header the request that asked for them had. */
class MailedLinksTest extends ServerTest {
  @Autowired JdbcClient jdbc;

  @Test
  void a_link_asked_for_with_a_foreign_host_header_still_points_here() throws IOException {
    var user = fixtures.user(fixtures.tenant().id(), Role.MEMBER);
    Browser browser = new Browser(port);
    browser.get("/login");
    String cookies =
        browser.cookies().getCookieStore().getCookies().stream()
            .map(HttpCookie::toString)
            .collect(Collectors.joining("; "));
    String body =
        "username="
            + URLEncoder.encode(user.email(), StandardCharsets.UTF_8)
            + "&_csrf="
            + URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8);
    // The JDK's client will not send another Host header: write the request by hand.
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /ott/generate HTTP/1.1\r\n"
                  + "Host: attacker.example.net\r\n"
                  + "X-Forwarded-Host: attacker.example.net\r\n"
                  + "Cookie: "
                  + cookies
                  + "\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\n"
                  + "Content-Length: "
                  + body.length()
                  + "\r\nConnection: close\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 302").contains("/login/check-mail");
    }
    String link = new Mailbox(jdbc).latestTo(user.email()).link();
    assertThat(link).startsWith("http://localhost:" + port + "/login/magic?token=");
  }
}
