package eu.runlater.platform.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SmtpUrlTest {

  @Test
  void reads_credentials_port_and_sender_and_never_prints_the_password() {
    SmtpUrl url =
        SmtpUrl.parse("smtps://apikey:se%3Acret@smtp.example.com?from=Ops%20%3Cops@example.com%3E");
    assertThat(url.host()).isEqualTo("smtp.example.com");
    assertThat(url.port()).isEqualTo(465);
    assertThat(url.tls()).isTrue();
    assertThat(url.username()).isEqualTo("apikey");
    assertThat(url.password()).isEqualTo("se:cret");
    assertThat(url.from()).isEqualTo("Ops <ops@example.com>");
    assertThat(url.toString()).doesNotContain("se:cret").contains("***");
  }

  @Test
  void defaults_to_submission_port_and_a_sender_at_the_host() {
    SmtpUrl url = SmtpUrl.parse("smtp://mail.internal");
    assertThat(url.port()).isEqualTo(587);
    assertThat(url.tls()).isFalse();
    assertThat(url.username()).isNull();
    assertThat(url.from()).isEqualTo("runlater@mail.internal");
  }

  @Test
  void refuses_other_schemes_with_a_message_that_says_what_to_write() {
    assertThatThrownBy(() -> SmtpUrl.parse("http://mail.example.com"))
        .hasMessageContaining("smtp:// or smtps://");
    assertThatThrownBy(() -> SmtpUrl.parse("smtp:///nohost")).hasMessageContaining("needs a host");
  }

  @Test
  void a_plus_in_the_password_stays_a_plus() {
    assertThat(SmtpUrl.parse("smtp://u:a+b%2Bc@mail.example.com").password()).isEqualTo("a+b+c");
  }

  @Test
  void real_mail_needs_the_public_base_url_its_links_are_built_from() {
    assertThatThrownBy(
            () ->
                new MailConfig()
                    .mailer(
                        "smtp://mail.example.com",
                        new eu.runlater.platform.RunlaterProperties(null, null, 0, "", null),
                        null,
                        null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RUNLATER_BASE_URL");
  }
}
