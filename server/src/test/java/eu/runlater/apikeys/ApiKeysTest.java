package eu.runlater.apikeys;

import static org.assertj.core.api.Assertions.assertThat;

import eu.runlater.platform.database.ChangeFeed;
import eu.runlater.support.ServerTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class ApiKeysTest extends ServerTest {
  @Autowired JdbcClient jdbc;
  @Autowired ChangeFeed changes;

  @Test
  void created_keys_have_the_documented_format_and_256_bit_secrets() {
    var tenant = fixtures.tenant();
    assertThat(tenant.key()).matches("pk_live_[a-z2-7]{16}\\.sk_live_[A-Za-z0-9_-]{43}");
    String secret = tenant.key().substring(tenant.key().indexOf(".sk_live_") + 9);
    assertThat(java.util.Base64.getUrlDecoder().decode(secret)).hasSize(32);
  }

  @Test
  void only_the_sha256_of_the_secret_is_stored() throws Exception {
    var tenant = fixtures.tenant();
    String secret = tenant.key().substring(tenant.key().indexOf(".sk_live_") + 9);
    var row =
        jdbc.sql("SELECT * FROM api_keys WHERE id = :id")
            .param("id", tenant.keyId())
            .query()
            .singleRow();
    byte[] expected =
        MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    assertThat((byte[]) row.get("secret_hash")).isEqualTo(expected);
    String wholeRow =
        row.values().stream()
            .map(v -> v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
            .reduce("", String::concat);
    assertThat(wholeRow).doesNotContain(secret);
  }

  @Test
  void keys_from_different_organizations_see_only_their_own_organization() {
    var a = fixtures.tenant();
    var b = fixtures.tenant();
    assertThat(api.get("/api/v1/organization", a.key()).json().get("id").asString())
        .isEqualTo(a.id().toString());
    assertThat(api.get("/api/v1/organization", b.key()).json().get("id").asString())
        .isEqualTo(b.id().toString());
  }

  @Test
  void a_wrong_secret_for_a_known_key_id_is_refused() {
    var tenant = fixtures.tenant();
    String forged = tenant.key().substring(0, tenant.key().length() - 4) + "AAAA";
    var response = api.get("/api/v1/organization", forged);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("detail").asString()).contains("not valid");
  }

  @Test
  void revocation_takes_effect_on_the_very_next_request() {
    var tenant = fixtures.tenant();
    var other = fixtures.tenant().key();
    assertThat(api.get("/api/v1/organization", tenant.key()).status()).isEqualTo(200);

    var revoked = api.delete("/api/v1/api-keys/" + tenant.keyId(), tenant.key());
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().get("revoked_at").isNull()).isFalse();

    var refused = api.get("/api/v1/organization", tenant.key());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("detail").asString()).contains("revoked");
    assertThat(api.get("/api/v1/organization", other).status()).isEqualTo(200);
  }

  @Test
  void a_key_of_another_organization_cannot_be_revoked_and_answers_404() {
    var a = fixtures.tenant();
    var b = fixtures.tenant();
    var response = api.delete("/api/v1/api-keys/" + b.keyId(), a.key());
    assertThat(response.status()).isEqualTo(404);
    assertThat(api.get("/api/v1/organization", b.key()).status()).isEqualTo(200);
  }

  @Test
  void last_used_at_is_written_at_most_once_a_minute() {
    var tenant = fixtures.tenant();
    assertThat(lastUsed(tenant.keyId())).isNull();

    api.get("/api/v1/organization", tenant.key());
    OffsetDateTime first = lastUsed(tenant.keyId());
    assertThat(first).isNotNull();
    for (int i = 0; i < 5; i++) {
      api.get("/api/v1/organization", tenant.key());
    }
    assertThat(lastUsed(tenant.keyId())).isEqualTo(first);

    // A minute later the next request writes it again.
    OffsetDateTime aMinuteAgo = first.minusSeconds(61);
    jdbc.sql("UPDATE api_keys SET last_used_at = :t WHERE id = :id")
        .param("t", aMinuteAgo)
        .param("id", tenant.keyId())
        .update();
    // A minute on, this node's copy of the key row (ApiKeys) is long past its age and read again.
    changes.changed(ChangeFeed.CREDENTIALS);
    api.get("/api/v1/organization", tenant.key());
    assertThat(lastUsed(tenant.keyId())).isAfter(aMinuteAgo);
  }

  @Test
  void keys_can_be_created_and_listed_without_their_secret() {
    var tenant = fixtures.tenant();
    var created = api.post("/api/v1/api-keys", tenant.key(), "{\"name\": \"ci\"}");
    assertThat(created.status()).isEqualTo(201);
    String newKey = created.json().get("key").asString();
    assertThat(api.get("/api/v1/organization", newKey).status()).isEqualTo(200);

    var list = api.get("/api/v1/api-keys", tenant.key());
    List<String> names = list.json().valueStream().map(k -> k.get("name").asString()).toList();
    assertThat(names).containsExactlyInAnyOrder("ci", "test key");
    assertThat(list.body()).doesNotContain(newKey.substring(newKey.indexOf(".sk_live_")));
    assertThat(list.json().get(0).get("prefix").asString()).startsWith("pk_live_");
  }

  private OffsetDateTime lastUsed(UUID keyId) {
    return jdbc.sql("SELECT last_used_at FROM api_keys WHERE id = :id")
        .param("id", keyId)
        .query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
        .list()
        .getFirst();
  }
}
