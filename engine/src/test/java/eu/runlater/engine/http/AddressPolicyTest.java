package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading RUNLATER_ALLOW_PRIVATE_TARGETS and applying it to addresses. */
class AddressPolicyTest {

  private static String refusal(AddressPolicy policy, String address) {
    return policy.refusal(FakeResolver.literal(address));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  ", "false", "FALSE", " false "})
  void reads_unset_blank_and_false_as_public_only(String value) {
    AddressPolicy policy = AddressPolicy.parse(value);

    assertThat(refusal(policy, "127.0.0.1")).isEqualTo("loopback address 127.0.0.1");
    assertThat(refusal(policy, "8.8.8.8")).isNull();
    assertThat(policy).hasToString("TargetPolicy[public addresses only]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", " True "})
  void reads_true_as_every_address(String value) {
    AddressPolicy policy = AddressPolicy.parse(value);

    for (String address :
        new String[] {"127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fe80::1"}) {
      assertThat(refusal(policy, address)).as(address).isNull();
    }
    assertThat(policy.checkUrl(URI.create("http://localhost:8080/"))).isNull();
  }

  @Test
  void allows_listed_cidrs_in_addition_to_public_addresses() {
    AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8, 10.1.0.0/16,::1/128,fd00::/8");

    assertThat(refusal(policy, "127.0.0.1")).isNull();
    assertThat(refusal(policy, "127.255.0.9")).isNull();
    assertThat(refusal(policy, "10.1.200.3")).isNull();
    assertThat(refusal(policy, "::1")).isNull();
    assertThat(refusal(policy, "fd00::2")).isNull();
    assertThat(refusal(policy, "8.8.8.8")).isNull();
    assertThat(refusal(policy, "10.2.0.1")).isEqualTo("private address 10.2.0.1");
    assertThat(refusal(policy, "169.254.169.254"))
        .isEqualTo("cloud metadata address 169.254.169.254");
    assertThat(refusal(policy, "fc00::1")).isEqualTo("unique local address fc00::1");
    assertThat(policy)
        .hasToString(
            "TargetPolicy[public addresses and 127.0.0.0/8, 10.1.0.0/16, ::1/128, fd00::/8]");
  }

  @Test
  void a_bare_address_allows_that_address_only() {
    AddressPolicy policy = AddressPolicy.parse("10.0.0.5");

    assertThat(refusal(policy, "10.0.0.5")).isNull();
    assertThat(refusal(policy, "10.0.0.6")).isEqualTo("private address 10.0.0.6");
  }

  @Test
  void an_allowed_ipv4_block_also_allows_it_inside_ipv6_forms() {
    AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8");

    assertThat(refusal(policy, "::ffff:127.0.0.1")).isNull();
    assertThat(refusal(policy, "64:ff9b::7f00:1")).isNull();
    assertThat(refusal(policy, "::ffff:10.0.0.1"))
        .isEqualTo("private address 10.0.0.1 (inside ::ffff:10.0.0.1)");
    assertThat(refusal(policy, "::1")).isEqualTo("loopback address ::1");
  }

  @Test
  void localhost_is_acceptable_only_when_loopback_is_allowed() {
    URI url = URI.create("http://localhost:3000/hook");

    assertThat(AddressPolicy.publicOnly().checkUrl(url))
        .isEqualTo(
            "the host localhost is not allowed: loopback host name. Webhooks may only reach"
                + " public addresses unless the operator allows more with"
                + " RUNLATER_ALLOW_PRIVATE_TARGETS");
    assertThat(AddressPolicy.parse("127.0.0.1/32").checkUrl(url)).isNull();
  }

  @Test
  void check_url_does_no_dns_so_private_names_pass_until_send_time() {
    assertThat(AddressPolicy.publicOnly().checkUrl(URI.create("https://db.internal/hook")))
        .isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "yes | 'yes' is neither an IPv4 address",
        "10.0.0.0/33 | the prefix length after / must be a number from 0 to 32",
        "::1/129 | the prefix length after / must be a number from 0 to 128",
        "10.0.0.0/ | the prefix length after / must be a number from 0 to 32",
        "10.0.0.0/x | the prefix length after / must be a number from 0 to 32",
        "10.1.2.3/8 | bits are set after the prefix length; did you mean 10.0.0.0/8?",
        "fd00::1/8 | did you mean fd00::/8?",
        "010.0.0.0/8 | without leading zeros",
        "127.1/32 | '127.1' is neither",
        "10.0.0.0/8;127.0.0.1 | the prefix length after / must be a number",
        "1.2.3.4.5 | '1.2.3.4.5' is neither",
        "::1::/128 | '::1::' is neither",
      })
  void rejects_invalid_entries_saying_what_is_wrong_and_what_is_accepted(
      String value, String problem) {
    assertThatThrownBy(() -> AddressPolicy.parse("127.0.0.0/8," + value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "RUNLATER_ALLOW_PRIVATE_TARGETS: '" + value + "' is not a valid CIDR")
        .hasMessageContaining(problem)
        .hasMessageContaining("Accepted values: false")
        .hasMessageContaining("true (every address)")
        .hasMessageContaining("127.0.0.0/8,10.1.0.0/16,::1/128");
  }

  @Test
  void ignores_empty_items_in_the_list() {
    AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8,,");

    assertThat(refusal(policy, "127.0.0.1")).isNull();
  }

  @Test
  void a_list_of_nothing_but_commas_is_public_only() {
    assertThat(AddressPolicy.parse(" , ")).hasToString("TargetPolicy[public addresses only]");
  }
}
