package eu.runlater.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.SecretBox;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private final SecretBox box = SecretBox.fromConfigured(SecretBox.generateKey());

  @Test
  void sealed_values_open_to_the_plaintext_and_do_not_contain_it() {
    byte[] sealed = box.seal("Bearer super-secret-token");
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("super-secret");
    assertThat(box.openString(sealed)).isEqualTo("Bearer super-secret-token");
  }

  @Test
  void the_same_plaintext_seals_differently_each_time() {
    assertThat(box.seal("x")).isNotEqualTo(box.seal("x"));
  }

  @Test
  void a_value_sealed_under_another_key_does_not_open() {
    byte[] sealed = SecretBox.fromConfigured(SecretBox.generateKey()).seal("x");
    assertThatThrownBy(() -> box.open(sealed))
        .isInstanceOf(SecretBox.SecretBoxException.class)
        .hasMessageContaining("RUNLATER_SECRET_KEY");
  }

  @Test
  void a_tampered_value_does_not_open() {
    byte[] sealed = box.seal("amount=10");
    sealed[sealed.length - 20] ^= 1;
    assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(SecretBox.SecretBoxException.class);
  }

  @Test
  void passphrases_shorter_than_32_characters_are_refused_with_how_to_make_a_key() {
    assertThatThrownBy(() -> SecretBox.fromConfigured("short", new byte[16]))
        .hasMessageContaining("openssl rand -base64 32");
    byte[] salt = new byte[16];
    String passphrase = "a long passphrase of at least 32 chars";
    SecretBox fromPassphrase = SecretBox.fromConfigured(passphrase, salt);
    assertThat(fromPassphrase.openString(fromPassphrase.seal("ok"))).isEqualTo("ok");
    // The same passphrase and salt make the same key; another salt another key.
    assertThat(SecretBox.fromConfigured(passphrase, salt).openString(fromPassphrase.seal("x")))
        .isEqualTo("x");
    assertThat(
            SecretBox.fromConfigured(passphrase, new byte[] {1}).tryOpen(fromPassphrase.seal("x")))
        .isNull();
  }

  @Test
  void a_passphrase_is_stretched_not_hashed_once_as_before() throws Exception {
    String passphrase = "a long passphrase of at least 32 chars";
    byte[] sha =
        java.security.MessageDigest.getInstance("SHA-256")
            .digest(passphrase.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    SecretBox old = SecretBox.ofKey(sha);
    SecretBox stretched = SecretBox.fromConfigured(passphrase, new byte[16]);
    assertThat(stretched.tryOpen(old.seal("x"))).isNull();
    // The old derivation stays available to open what it sealed.
    assertThat(SecretBox.legacyPassphrase(passphrase).openString(old.seal("x"))).isEqualTo("x");
    assertThat(SecretBox.legacyPassphrase(SecretBox.generateKey())).isNull();
    // A passphrase without the instance's salt is refused rather than derived weakly.
    assertThatThrownBy(() -> SecretBox.fromConfigured(passphrase))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
