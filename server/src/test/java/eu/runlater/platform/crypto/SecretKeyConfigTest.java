package eu.runlater.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.runlater.engine.crypto.SecretBox;
import eu.runlater.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

class SecretKeyConfigTest {

  @Test
  void generates_a_key_once_into_the_data_directory_readable_only_by_its_owner(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("secret.key");
    SecretBox first = SecretKeyConfig.loadOrGenerate(file);
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String content = Files.readString(file);

    SecretBox second = SecretKeyConfig.loadOrGenerate(file);
    assertThat(Files.readString(file)).isEqualTo(content);
    assertThat(second.openString(first.seal("x"))).isEqualTo("x");
  }

  @Test
  void a_node_with_another_key_refuses_to_start_on_the_same_database() {
    try (var dataSource = TestPostgres.dataSource(TestPostgres.freshDatabase(), 2)) {
      JdbcClient jdbc = JdbcClient.create(dataSource);
      SecretBox original = SecretBox.fromConfigured(SecretBox.generateKey());
      SecretKeyConfig.verifyAgainstDatabase(original, jdbc);
      // The same key is accepted again (a restart, or a second node configured right).
      SecretKeyConfig.verifyAgainstDatabase(original, jdbc);

      SecretBox other = SecretBox.fromConfigured(SecretBox.generateKey());
      assertThatThrownBy(() -> SecretKeyConfig.verifyAgainstDatabase(other, jdbc))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RUNLATER_SECRET_KEY");
    }
  }
}
